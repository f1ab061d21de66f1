/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time.
 * Usage: tsx bench/lib/cpuprofile-top.ts FILE.cpuprofile [N=25]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** Self time per function (ms), descending. */
export function topSelfTime(profile: { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] }, n: number): Array<{ fn: string; ms: number; pct: number }> {
  const totalHits = profile.samples.length;
  const msPerHit = (profile.endTime - profile.startTime) / 1000 / Math.max(1, totalHits);
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const where = f.url === '' ? '' : ` ${f.url.replace(/^.*\/(work\/main\/)?/, '')}:${f.lineNumber + 1}`;
    const key = `${f.functionName || '(anonymous)'}${where}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (node.hitCount ?? 0));
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, hits]) => ({ fn, ms: hits * msPerHit, pct: (hits / totalHits) * 100 }));
}

if (process.argv[1]?.endsWith('cpuprofile-top.ts')) {
  const file = process.argv[2];
  const n = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  for (const r of topSelfTime(profile, n)) console.log(`${r.pct.toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(6)} ms  ${r.fn}`);
}
