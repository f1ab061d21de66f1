/**
 * Child process of the DuckDB row: `duckdb-child.mjs INPUT OUTPUT WINDOW_MS ALERT_THRESHOLD`.
 * Timed by the parent from spawn to exit, like the CLI. Exit 3 with `BENCH_SKIP=<why>` on stderr
 * when @duckdb/node-api is not installed.
 */
import { duckdbTumbling } from './query';

const [input, output, windowMs, alert] = process.argv.slice(2);
duckdbTumbling({ input, output, windowMs: Number(windowMs), alertThreshold: Number(alert) }).then(
  (rows) => process.stderr.write(`rows: ${rows}\n`),
  (e: Error) => {
    const missing = e.message.startsWith('@duckdb/node-api is not installed');
    process.stderr.write(missing ? `BENCH_SKIP=${e.message}\n` : `duckdb failed: ${e.stack}\n`);
    process.exitCode = missing ? 3 : 1;
  },
);
