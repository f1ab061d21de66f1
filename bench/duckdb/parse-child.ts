/**
 * Child process of the parse-only row: `parse-child.mjs INPUT`. A bare `readline` + `JSON.parse`
 * loop over the NDJSON file that only sums the values — no windows, no output: the practical floor
 * of reading NDJSON in Node the ordinary way. Prints `lines: N, sum: S` to stderr.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

async function main(path: string): Promise<void> {
  let lines = 0;
  let sum = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    sum += (JSON.parse(line) as { value: number }).value;
    lines++;
  }
  process.stderr.write(`lines: ${lines}, sum: ${sum}\n`);
}

main(process.argv[2]).catch((e: Error) => {
  process.stderr.write(`parse failed: ${e.stack}\n`);
  process.exitCode = 1;
});
