/**
 * Streaming UTF-8 validation of a byte stream cut into arbitrary chunks (a multi-byte character
 * may straddle two chunks): node's native `isUtf8` on each chunk's complete characters, with the
 * incomplete tail carried to the next chunk. Decoding with `toString('utf8')` silently replaces
 * bad bytes with U+FFFD; this says that it happened.
 */
import { isUtf8 } from 'node:buffer';

/** Validates a byte stream chunk by chunk; see the module comment. */
export class Utf8Validator {
  private carry: Buffer = Buffer.alloc(0);
  private bad = false;

  /** True once any invalid byte sequence was seen. */
  get invalid(): boolean {
    return this.bad;
  }

  /** Feed the next chunk; returns false once the stream so far is not valid UTF-8. */
  push(chunk: Buffer): boolean {
    if (this.bad) return false;
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = completeLength(buf);
    this.carry = Buffer.from(buf.subarray(end));
    if (!isUtf8(buf.subarray(0, end))) this.bad = true;
    return !this.bad;
  }

  /** End of stream: an incomplete character left over is invalid. Returns the verdict. */
  end(): boolean {
    if (this.carry.length > 0) this.bad = true;
    this.carry = Buffer.alloc(0);
    return !this.bad;
  }
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (at most 3 bytes are held back). */
function completeLength(buf: Buffer): number {
  let i = buf.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && (buf[i] & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return buf.length;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > continuation + 1 ? i : buf.length;
}
