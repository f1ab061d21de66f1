import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, silenceSeconds } from '../src-renderer/lib/staleness';

describe('connection watchdog', () => {
  it('says nothing before the first frame or while frames keep coming', () => {
    expect(silenceSeconds(0, 1_000_000)).toBeNull();
    expect(silenceSeconds(1_000_000, 1_000_000 + STALE_AFTER_MS - 1)).toBeNull();
  });
  it('reports the seconds of silence once the host has been quiet too long', () => {
    expect(silenceSeconds(1_000_000, 1_000_000 + 7_500)).toBe(7);
  });
});
