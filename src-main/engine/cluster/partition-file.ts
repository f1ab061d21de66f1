/**
 * One instance's result file for one partition: `<outDir>/partition-<p>.jsonl`, one WindowResult
 * JSON per line. Appends are synchronous (the length is exact the moment a checkpoint reads it);
 * `sync()` makes them durable; `truncate(n)` cuts what no checkpoint committed. Only this instance
 * writes the file.
 */
import { closeSync, fstatSync, fsync, fsyncSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { WindowResult } from '../../../src-shared/types';

/** The file name of partition `p` in an instance's output directory. */
export const partitionFileName = (p: number): string => `partition-${p}.jsonl`;

export class PartitionFile {
  private readonly fd: number;
  private size: number;

  /** Opens (creating) the file of partition `p` under `outDir` (created too). @throws on I/O errors. */
  constructor(outDir: string, p: number) {
    mkdirSync(outDir, { recursive: true });
    this.fd = openSync(join(outDir, partitionFileName(p)), 'a+');
    this.size = fstatSync(this.fd).size;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.size;
  }

  /** Cuts the file to `length` bytes (no-op when it is not longer): drops results no checkpoint committed. */
  truncate(length: number): void {
    if (this.size <= length) return;
    ftruncateSync(this.fd, length);
    fsyncSync(this.fd);
    this.size = length;
  }

  /** Appends results, one JSON line each. */
  append(results: readonly WindowResult[]): void {
    if (results.length === 0) return;
    let text = '';
    for (const r of results) text += `${JSON.stringify(r)}\n`;
    const buf = Buffer.from(text);
    let at = 0;
    while (at < buf.length) at += writeSync(this.fd, buf, at, buf.length - at);
    this.size += buf.length;
  }

  /** Makes everything appended so far durable. */
  async sync(): Promise<void> {
    await new Promise<void>((resolve, reject) => fsync(this.fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    closeSync(this.fd);
  }
}
