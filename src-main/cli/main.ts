/**
 * The `streamscope` command line. Bad flags or config: one line on stderr, exit code 2.
 */
import { partitionCommand, PARTITION_USAGE } from './partition-command';
import { processCommand, PROCESS_USAGE } from './process-command';
import { runCommand, RUN_USAGE } from './run-command';
import { CLUSTER_USAGE } from './cluster-command';
import { UsageError } from './args';

const USAGE = `usage:
  ${PROCESS_USAGE}
  ${RUN_USAGE}
  ${CLUSTER_USAGE}
  ${PARTITION_USAGE}
Durations accept ms, s, m, h, d (e.g. 250ms, 5s, 1.5m, 2h, 1d).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if ((command === 'process' || command === 'run') && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`usage: ${command === 'process' ? PROCESS_USAGE : rest.includes('--cluster') ? CLUSTER_USAGE : RUN_USAGE}\n`);
    return 0;
  }
  switch (command) {
    case 'process':
      return processCommand(rest);
    case 'run':
      return runCommand(rest);
    case 'partition':
      return partitionCommand(rest);
    case undefined:
      process.stderr.write(`streamscope: missing command (process or run)\n${USAGE}\n`);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}" (expected process, run or partition; see streamscope --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`streamscope: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`streamscope: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
