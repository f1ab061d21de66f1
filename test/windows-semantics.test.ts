import { describe, expect, it } from 'vitest';
import type { StreamEvent, WindowSpec } from '../src-shared/types';
import { createWindowOperator } from '../src-main/engine/windows/create-operator';
import { emptyOutput } from '../src-main/engine/windows/window-operator';

const ev = (sensorId: string, timestamp: number, value = 1): StreamEvent => ({ sensorId, timestamp, value });

function op(window: WindowSpec, maxOutOfOrdernessMs = 0, allowedLatenessMs = 0, alertThreshold = 80) {
  return createWindowOperator({ window, maxOutOfOrdernessMs, allowedLatenessMs, alertThreshold, now: () => 0 });
}

describe('window semantics (hand-computed cases)', () => {
  it('tumbling windows are [start, end) aligned to the epoch, including negative times', () => {
    const o = op({ kind: 'tumbling', sizeMs: 10 });
    const out = emptyOutput();
    o.process([ev('k', -1), ev('k', 0), ev('k', 9), ev('k', 10)], 0, out);
    o.advanceWatermark(Infinity, out);
    expect(out.results.map((r) => [r.windowStart, r.windowEnd, r.count])).toEqual([[-10, 0, 1], [0, 10, 2], [10, 20, 1]]);
  });

  it('fires a window exactly when the watermark (max time − out-of-orderness) reaches its end', () => {
    const o = op({ kind: 'tumbling', sizeMs: 10 }, 5);
    const out = emptyOutput();
    o.process([ev('k', 3), ev('k', 14)], 0, out);
    expect(out.results).toHaveLength(0); // watermark 9 < 10
    o.process([ev('k', 15)], 0, out);
    expect(out.results.map((r) => r.count)).toEqual([1]); // watermark 10
  });

  it('allowed lateness re-emits an updated window, marked as an update; beyond it the event is late', () => {
    const o = op({ kind: 'tumbling', sizeMs: 10 }, 0, 5);
    const out = emptyOutput();
    o.process([ev('k', 1, 10), ev('k', 12)], 0, out); // fires [0,10) with count 1
    o.process([ev('k', 2, 30)], 0, out); // watermark 12 < 10 + 5: allowed, update
    o.process([ev('k', 15), ev('k', 3)], 0, out); // watermark 15 >= 15: closed for good, late
    expect(out.results.filter((r) => r.windowStart === 0).map((r) => [r.count, r.sum, r.isUpdate])).toEqual([
      [1, 10, false],
      [2, 40, true],
    ]);
    expect(out.late.map((l) => l.event.timestamp)).toEqual([3]);
    expect(out.late[0].watermark).toBe(15);
  });

  it('hopping: an event belongs to every window containing it', () => {
    const o = op({ kind: 'hopping', sizeMs: 10, slideMs: 5 });
    const out = emptyOutput();
    o.process([ev('k', 7, 5)], 0, out);
    o.advanceWatermark(Infinity, out);
    expect(out.results.map((r) => [r.windowStart, r.windowEnd, r.count])).toEqual([[0, 10, 1], [5, 15, 1]]);
  });

  it('hopping with a slide that does not divide the size uses gcd slices correctly', () => {
    const o = op({ kind: 'hopping', sizeMs: 6, slideMs: 4 });
    const out = emptyOutput();
    o.process([ev('k', 1), ev('k', 3), ev('k', 5), ev('k', 7)], 0, out);
    o.advanceWatermark(Infinity, out);
    // Windows [-4,2) [0,6) [4,10): times 1 | 1,3,5 | 5,7
    expect(out.results.map((r) => [r.windowStart, r.count])).toEqual([[-4, 1], [0, 3], [4, 2]]);
  });

  it('sessions: an out-of-order event bridges two sessions into one', () => {
    const o = op({ kind: 'session', gapMs: 15 }, 100);
    const out = emptyOutput();
    o.process([ev('k', 0), ev('k', 25), ev('k', 12)], 0, out); // [0,15) + [25,40) bridged by [12,27)
    o.advanceWatermark(Infinity, out);
    expect(out.results.map((r) => [r.windowStart, r.windowEnd, r.count])).toEqual([[0, 40, 3]]);
  });

  it('sessions: a late-but-allowed bridge re-emits the merged session and names what it supersedes', () => {
    const o = op({ kind: 'session', gapMs: 15 }, 0, 100);
    const out = emptyOutput();
    o.process([ev('k', 0), ev('k', 25), ev('k', 50)], 0, out); // [0,15) and [25,40) fired
    o.process([ev('k', 12)], 0, out); // bridges them: [0,40)
    const last = out.results.at(-1)!;
    expect([last.windowStart, last.windowEnd, last.count, last.isUpdate]).toEqual([0, 40, 3, true]);
    expect(last.supersedes).toEqual([[0, 15], [25, 40]]);
  });

  it('sessions: a session opened behind the watermark fires on arrival as a late firing, like Flink', () => {
    const o = op({ kind: 'session', gapMs: 10_000 }, 0, 20_000);
    const out = emptyOutput();
    o.process([ev('a', 0, 1), ev('a', 25_000, 2), ev('a', 12_000, 3)], 0, out);
    expect(out.results.map((r) => [r.windowStart, r.windowEnd, r.count, r.isUpdate])).toEqual([
      [0, 10_000, 1, false],
      [12_000, 22_000, 1, true],
    ]);
    o.process([ev('a', 8000, 4)], 0, out); // bridges [0,10s) and [12s,22s)
    const last = out.results.at(-1)!;
    expect([last.windowStart, last.windowEnd, last.count, last.isUpdate]).toEqual([0, 22_000, 3, true]);
    expect(last.supersedes).toEqual([[0, 10_000], [12_000, 22_000]]);
  });

  it('sessions: an event that would extend a session closed for good is late', () => {
    const o = op({ kind: 'session', gapMs: 10 });
    const out = emptyOutput();
    o.process([ev('k', 0), ev('k', 100), ev('k', 10)], 0, out); // 10 touches the closed [0,10)
    expect(out.late.map((l) => l.event.timestamp)).toEqual([10]);
  });

  it('keys are used verbatim: separators, unicode and empty strings never collide', () => {
    const o = op({ kind: 'tumbling', sizeMs: 10 });
    const out = emptyOutput();
    o.process([ev('a:b', 1), ev('a', 1), ev('b', 1), ev('', 1), ev(' ', 1), ev('温度', 1), ev('a:b', 2)], 0, out);
    o.advanceWatermark(Infinity, out);
    expect(Object.fromEntries(out.results.map((r) => [r.sensorId, r.count]))).toEqual({ 'a:b': 2, a: 1, b: 1, '': 1, ' ': 1, 温度: 1 });
  });

  it('alertCount counts values strictly above the threshold', () => {
    const o = op({ kind: 'tumbling', sizeMs: 10 }, 0, 0, 80);
    const out = emptyOutput();
    o.process([ev('k', 1, 80), ev('k', 2, 80.5), ev('k', 3, 100)], 0, out);
    o.advanceWatermark(Infinity, out);
    expect(out.results[0].alertCount).toBe(2);
  });

  it('memory is O(keys × open windows): 2 million events for one key keep one aggregate', () => {
    for (const window of [{ kind: 'tumbling', sizeMs: 1e12 }, { kind: 'hopping', sizeMs: 1e12, slideMs: 1e11 }, { kind: 'session', gapMs: 1e12 }] as WindowSpec[]) {
      const o = op(window);
      const out = emptyOutput();
      const batch: StreamEvent[] = [];
      for (let i = 0; i < 2_000_000; i++) {
        batch.push(ev('one', i, i % 100));
        if (batch.length === 10_000) {
          o.process(batch, 0, out);
          batch.length = 0;
        }
      }
      expect(o.stateSize()).toBe(1);
      o.advanceWatermark(Infinity, out);
      const total = out.results.reduce((a, r) => a + r.count, 0);
      expect(total).toBe(window.kind === 'hopping' ? 2_000_000 * 10 : 2_000_000);
      expect(o.stateSize()).toBe(0);
    }
  });
});
