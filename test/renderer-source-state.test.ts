import { describe, expect, it } from 'vitest';
import { hasNoSource } from '../src-renderer/lib/source-state';

const src = (state: string) => ({ name: 'file', receivedEvents: 1, bytesIn: 1, parseErrors: 0, state, reconnects: 0 });

describe('no source', () => {
  it('reads "no source" only when metrics exist and nothing is delivering', () => {
    expect(hasNoSource(undefined)).toBe(false);
    expect(hasNoSource({ sources: [] })).toBe(true);
    expect(hasNoSource({ sources: [src('stopped')] })).toBe(true);
    expect(hasNoSource({ sources: [src('stopped'), src('connected')] })).toBe(false);
    expect(hasNoSource({ sources: [src('connecting')] })).toBe(false);
  });
});
