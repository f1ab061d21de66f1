// Preloaded (node --import) into the real CLI by the bench: on exit, print the process's peak RSS
// to stderr as `BENCH_MAXRSS_KB=<n>`. Changes nothing else.
process.on('exit', () => {
  process.stderr.write(`\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
