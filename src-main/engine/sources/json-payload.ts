/**
 * Decoding of one broker message payload (MQTT, NATS): JSON text holding one event object or an
 * array of them. The key may be imposed from outside the payload (an MQTT topic level, a NATS
 * subject token): it is written into each object under the mapping's key field before decoding.
 */
import type { Decoded } from './live-source-support';

/** The part of the edge decoder (decode/decode.ts `EdgeDecoder`) a payload needs. */
export interface RecordDecoder {
  /** Decode one JSON text line (one object); invalid JSON is rejected with `invalid_json`. */
  line(text: string): void;
  /** Decode one parsed record; `raw` is kept in its dead letter if it is rejected. */
  record(obj: unknown, raw?: string): void;
  /** Take the events and rejects decoded since the last drain. */
  drain(): Decoded;
}

/**
 * Feed one payload to `decoder`. `text` is the payload as UTF-8. A payload whose first non-space
 * character is `[` is an array of records; anything else is one record. When `key` is given it is
 * set as `obj[keyField]` on every object record (the record's own key field is overwritten).
 * Non-object elements and invalid JSON are rejected by the decoder with their raw text.
 */
export function decodeJsonPayload(decoder: RecordDecoder, text: string, key?: string, keyField = 'sensorId'): void {
  const first = firstNonSpace(text);
  if (first !== '[' && key === undefined) {
    decoder.line(text);
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    decoder.line(text); // rejected as invalid_json, raw kept
    return;
  }
  if (Array.isArray(parsed)) {
    for (const el of parsed) decoder.record(withKey(el, key, keyField), JSON.stringify(el));
  } else {
    decoder.record(withKey(parsed, key, keyField), text);
  }
}

function withKey(el: unknown, key: string | undefined, keyField: string): unknown {
  if (key === undefined || typeof el !== 'object' || el === null || Array.isArray(el)) return el;
  return { ...(el as Record<string, unknown>), [keyField]: key };
}

function firstNonSpace(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return text[i];
  }
  return '';
}
