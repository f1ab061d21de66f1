/**
 * The checkpoint file frame: a fixed header, the payload, and a SHA-256 of both, so a torn, truncated
 * or bit-flipped checkpoint is detected before anything is restored from it.
 *
 * `"SSCP" | u16 version | u16 0 | f64 epoch | f64 payload bytes | payload | sha256(header + payload)`.
 * Hashing yields to the event loop between 4 MiB pieces: a large checkpoint does not stall the loop.
 */
import { createHash } from 'node:crypto';

const MAGIC = 0x50435353; // "SSCP" little-endian
/** Version of the frame; a reader refuses versions it does not know. */
export const FRAME_VERSION = 1;
const HEADER_BYTES = 24;
const HASH_BYTES = 32;
const HASH_PIECE = 4 << 20;

async function sha256(parts: Uint8Array[]): Promise<Buffer> {
  const h = createHash('sha256');
  for (const p of parts) {
    for (let at = 0; at < p.byteLength; at += HASH_PIECE) {
      h.update(p.subarray(at, Math.min(p.byteLength, at + HASH_PIECE)));
      if (p.byteLength > HASH_PIECE) await new Promise<void>((r) => setImmediate(r));
    }
  }
  return h.digest();
}

/** The frame's parts in file order: header, payload (not copied), hash. */
export async function frame(epoch: number, payload: Uint8Array): Promise<Uint8Array[]> {
  const header = new Uint8Array(HEADER_BYTES);
  const v = new DataView(header.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint16(4, FRAME_VERSION, true);
  v.setFloat64(8, epoch, true);
  v.setFloat64(16, payload.byteLength, true);
  return [header, payload, await sha256([header, payload])];
}

/**
 * Checks a whole file's bytes and returns its epoch and payload.
 * @throws Error saying what is wrong (short, bad magic, unknown version, length, checksum).
 */
export async function unframe(file: Uint8Array): Promise<{ epoch: number; payload: Uint8Array }> {
  if (file.byteLength < HEADER_BYTES + HASH_BYTES) throw new Error(`too short (${file.byteLength} bytes): partial write`);
  const v = new DataView(file.buffer, file.byteOffset, HEADER_BYTES);
  if (v.getUint32(0, true) !== MAGIC) throw new Error('not a Streamscope checkpoint (bad magic)');
  const version = v.getUint16(4, true);
  if (version !== FRAME_VERSION) throw new Error(`checkpoint format version ${version}, this Streamscope reads version ${FRAME_VERSION}`);
  const epoch = v.getFloat64(8, true);
  const len = v.getFloat64(16, true);
  if (HEADER_BYTES + len + HASH_BYTES !== file.byteLength) {
    throw new Error(`length mismatch: header says ${len} payload bytes, file holds ${file.byteLength - HEADER_BYTES - HASH_BYTES}: partial write`);
  }
  const body = file.subarray(0, HEADER_BYTES + len);
  const want = file.subarray(HEADER_BYTES + len);
  const got = await sha256([body]);
  if (!got.equals(want)) throw new Error('checksum mismatch: the file is corrupt');
  return { epoch, payload: file.subarray(HEADER_BYTES, HEADER_BYTES + len) };
}
