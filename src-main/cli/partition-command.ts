/**
 * `streamscope partition --count N [--subjects F] KEY...`: which partition (and NATS subject) each
 * key belongs to, one JSON line per key — the same FNV-1a function the NATS source partitions by,
 * so a publisher in any language (or a shell script) can route keys without reimplementing it.
 */
import { parseArgs } from 'node:util';
import { partitionOf, partitionSubjectOf } from '../engine/sources/nats-partition';
import { UsageError } from './args';

export const PARTITION_USAGE = `streamscope partition --count N [--subjects streamscope.events.*] KEY...`;

/** Prints `{"key","partition","subject"}` per key on stdout; resolves with the exit code. Throws UsageError on bad flags. */
export async function partitionCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { count: { type: 'string' }, subjects: { type: 'string', default: 'streamscope.events.*' } }, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  const count = Number(parsed.values.count);
  if (parsed.values.count === undefined || !Number.isInteger(count) || count < 1) {
    throw new UsageError(`--count: expected an integer >= 1, got ${JSON.stringify(parsed.values.count ?? null)}`);
  }
  if (parsed.positionals.length === 0) throw new UsageError(`give at least one key: ${PARTITION_USAGE}`);
  const subjects = String(parsed.values.subjects);
  try {
    partitionSubjectOf(subjects, 0);
  } catch (e) {
    throw new UsageError(`--subjects: ${(e as Error).message}`);
  }
  for (const key of parsed.positionals) {
    const partition = partitionOf(key, count);
    process.stdout.write(`${JSON.stringify({ key, partition, subject: partitionSubjectOf(subjects, partition) })}\n`);
  }
  return 0;
}
