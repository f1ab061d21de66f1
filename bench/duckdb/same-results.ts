/**
 * Equality check of two JSON Lines result files, per window start and key: count, sum, min, max and
 * alertCount must agree (avg too, within 1e-9 relative — DuckDB sums in another order). Lines for
 * the same window and key are replaced by later ones (streamscope's last line is the final result).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { WindowStats } from '../../src-shared/types';

type Row = WindowStats;

async function load(path: string): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    const r = JSON.parse(line) as Row & { windowStart: number; sensorId: string };
    rows.set(`${r.windowStart}\u0000${r.sensorId}`, { count: r.count, sum: r.sum, avg: r.avg, min: r.min, max: r.max, alertCount: r.alertCount });
  }
  return rows;
}

/** Compares two result files; resolves with a list of differences (empty = equal), at most `max`. */
export async function diffResults(a: string, b: string, max = 5): Promise<string[]> {
  const [ra, rb] = await Promise.all([load(a), load(b)]);
  const diffs: string[] = [];
  if (ra.size !== rb.size) diffs.push(`${ra.size} windows × keys vs ${rb.size}`);
  for (const [k, x] of ra) {
    if (diffs.length >= max) break;
    const y = rb.get(k);
    const where = k.replace('\u0000', ' / ');
    if (y === undefined) diffs.push(`${where}: only in the first`);
    else if (x.count !== y.count || x.sum !== y.sum || x.min !== y.min || x.max !== y.max || x.alertCount !== y.alertCount || Math.abs(x.avg - y.avg) > 1e-9 * Math.abs(x.avg)) {
      diffs.push(`${where}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    }
  }
  return diffs;
}
