/**
 * Session windows free per-key state: `stateSize()` counts live sessions only, so these tests also
 * check the key map (`keyCount()`), where a leak of keys would otherwise be invisible.
 */
import { describe, expect, it } from 'vitest';
import { SessionWindowOperator } from '../src-main/engine/windows/session-window-operator';
import { emptyOutput } from '../src-main/engine/windows/window-operator';

function operator(allowedLatenessMs: number) {
  return new SessionWindowOperator({ window: { kind: 'session', gapMs: 1000 }, maxOutOfOrdernessMs: 0, allowedLatenessMs, alertThreshold: 80, now: () => 0 });
}

describe('session key cleanup', () => {
  it('forgets a key once its last session is older than gap + allowed lateness', () => {
    const op = operator(500);
    const out = emptyOutput();
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    op.process(keys.map((k, i) => ({ sensorId: k, timestamp: i, value: 1 })), 0, out);
    expect(op.keyCount()).toBe(1000);
    expect(op.stateSize()).toBe(1000);
    // Sessions end at t + gap (≤ 1999): all fire once the watermark reaches 1999.
    op.advanceWatermark(1999, out);
    expect(out.results).toHaveLength(1000);
    // Sessions are kept until end + allowed lateness (a late event may still update them).
    expect(op.stateSize()).toBe(500);
    op.advanceWatermark(2499, out);
    expect(op.stateSize()).toBe(0);
    // No live session, but every key is still known: its closed session's end decides lateness.
    expect(op.keyCount()).toBe(1000);
    // closedUntil + gap + lateness = (i + 1000) + 1000 + 500: every key is past it at 3499.
    op.advanceWatermark(3499, out);
    expect(op.keyCount()).toBe(0);
  });

  it('keeps keys that are still active while idle ones are dropped', () => {
    const op = operator(0);
    const out = emptyOutput();
    op.process([{ sensorId: 'idle', timestamp: 0, value: 1 }, { sensorId: 'busy', timestamp: 0, value: 1 }], 0, out);
    for (let t = 500; t <= 5000; t += 500) op.process([{ sensorId: 'busy', timestamp: t, value: 1 }], 0, out);
    expect(op.keyCount()).toBe(1);
    expect(out.results.map((r) => r.sensorId)).toEqual(['idle']);
    op.advanceWatermark(Infinity, out);
    expect(op.keyCount()).toBe(0);
    expect(out.results.map((r) => [r.sensorId, r.count])).toEqual([['idle', 1], ['busy', 11]]);
  });
});
