/**
 * What makes a replayed file "the same file" for a checkpoint: its inode, size and modification time
 * when the checkpoint was taken, and a SHA-256 of its beginning (up to 1 MiB). Resuming is refused
 * when the beginning differs or the file is now shorter than the checkpointed position; a new inode
 * or mtime with the same beginning (the file rewritten with the same content, or appended to) is accepted.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const HEAD_BYTES = 1 << 20;

/** Identity of a file at one moment (sizes in bytes, mtime in ms). */
export interface FileIdentity {
  ino: number;
  size: number;
  mtimeMs: number;
  /** Bytes hashed from the start: min(size, 1 MiB). */
  headBytes: number;
  headSha256: string;
}

/** Reads `path`'s identity; `headBytes` hashes exactly that many bytes (to compare with an older identity). @throws the fs error. */
export async function fileIdentity(path: string, headBytes?: number): Promise<FileIdentity> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    const n = Math.min(headBytes ?? HEAD_BYTES, st.size);
    const buf = Buffer.alloc(n);
    let at = 0;
    while (at < n) {
      const { bytesRead } = await fh.read(buf, at, n - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, headBytes: at, headSha256: createHash('sha256').update(buf.subarray(0, at)).digest('hex') };
  } finally {
    await fh.close();
  }
}

/**
 * Why the file `now` is not the file `then` for a resume at byte `offset`, or undefined when it is.
 * Compare with an identity read with `headBytes = then.headBytes`.
 */
export function sameFile(then: FileIdentity, now: FileIdentity, offset: number): string | undefined {
  if (now.size < offset) return `it is ${now.size} bytes now, the checkpoint is at byte ${offset}`;
  if (now.headBytes !== then.headBytes || now.headSha256 !== then.headSha256) {
    return `its first ${then.headBytes} bytes differ (size ${then.size} → ${now.size}, modified ${new Date(then.mtimeMs).toISOString()} → ${new Date(now.mtimeMs).toISOString()})`;
  }
  return undefined;
}
