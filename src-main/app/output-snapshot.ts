/**
 * A consistent view of a growing JSONL file for export: the byte length up to its last complete
 * line and how many lines that is. The file sink may be mid-write; a partial last line is left out.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** Complete-lines prefix of a JSONL file: `bytes` to copy, `lines` it holds. */
export interface OutputSnapshot {
  path: string;
  bytes: number;
  lines: number;
}

/**
 * Measure the complete-lines prefix of `path` as it is now. Streams the file (constant memory).
 * Throws an Error with a clear message when the file does not exist or cannot be read.
 */
export async function snapshotOutput(path: string): Promise<OutputSnapshot> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`no output yet: ${path} does not exist (enable the file sink and wait for a window to fire)`);
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (size === 0) return { path, bytes: 0, lines: 0 };
  let lines = 0;
  let lastNewline = -1;
  let offset = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: size - 1 }) as AsyncIterable<Buffer>) {
    let i = chunk.indexOf(10);
    while (i !== -1) {
      lines++;
      lastNewline = offset + i;
      i = chunk.indexOf(10, i + 1);
    }
    offset += chunk.length;
  }
  return { path, bytes: lastNewline + 1, lines };
}

/** A stream of exactly the snapshot's bytes (empty when `bytes` is 0). */
export function openSnapshot(snap: OutputSnapshot): Readable {
  if (snap.bytes === 0) return Readable.from([]);
  return createReadStream(snap.path, { start: 0, end: snap.bytes - 1 });
}
