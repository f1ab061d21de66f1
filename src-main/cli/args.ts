/**
 * Flag parsing shared by the CLI commands: node's util.parseArgs (strict), and a UsageError that
 * the entry point turns into one line on stderr and exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../engine/time/duration';

/** A bad flag, value or config: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses argv with node's parseArgs; unknown flags and missing values become UsageErrors. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

/**
 * `--rate -5` → `--rate=-5`: parseArgs reads a value that starts with "-" as an option ("argument is
 * ambiguous"), so a negative number after a flag that takes a value is joined to it, and the flag's
 * own check then says what is wrong with it.
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    const next = argv[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses a duration flag (`250ms`, `5s`, `1m`, `2h`, `1d`); throws UsageError naming the flag. */
export function durationFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (e) {
    throw new UsageError(`--${name}: ${(e as Error).message}`);
  }
}

/** Parses a finite number flag; throws UsageError naming the flag. */
export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: expected a number, got "${value}"`);
  return n;
}
