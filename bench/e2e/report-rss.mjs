// Preloaded (node --import) into the real CLI by the bench: on exit, print the process's peak RSS
// to stderr as `BENCH_MAXRSS_KB=<n>` and its CPU time (user + system, all threads) as
// `BENCH_CPU_MS=<ms>`. Changes nothing else. Reads VmHWM on Linux, for the reason
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
  const cpu = process.cpuUsage();
  process.stderr.write(`\nBENCH_MAXRSS_KB=${peakRssKB()}\nBENCH_CPU_MS=${((cpu.user + cpu.system) / 1000).toFixed(1)}\n`);
});
