// Preloaded (node --import) into the real CLI by the bench: on exit, print the process's peak RSS
// to stderr as `BENCH_MAXRSS_KB=<n>`. Changes nothing else. Reads VmHWM on Linux, for the reason
// given at maxRssMB in bench/lib/child-result.ts (getrusage would report the bench parent's RSS).
import { readFileSync } from 'node:fs';

function peakRssKB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAXRSS_KB=${peakRssKB()}\n`);
});
