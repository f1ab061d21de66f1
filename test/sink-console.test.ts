import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../src-shared/types';
import { ConsoleSink, formatResult } from '../src-main/engine/sinks/console-sink';
import { windowResult } from './support/window-result';

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

const result = (over: Partial<WindowResult> = {}): WindowResult =>
  windowResult('sensor-01', T0, { windowEnd: T0 + 5000, count: 42, sum: 2150.4, avg: 51.2, min: 20.1, max: 88, alertCount: 3, emittedAt: T0 + 6000, ...over });

/** A stream with a tiny buffer whose writes complete only when the test says so. */
class GatedStream extends Writable {
  chunks: string[] = [];
  private pending: Array<() => void> = [];
  constructor() {
    super({ highWaterMark: 8, decodeStrings: false });
  }
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    this.pending.push(() => cb());
  }
  release(): void {
    const p = this.pending;
    this.pending = [];
    for (const f of p) f();
  }
}

const ticks = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('formatResult', () => {
  it('prints the window in UTC ISO time, the key and the aggregates', () => {
    expect(formatResult(result())).toBe(
      '[2024-01-01T12:00:00.000Z–12:00:05.000Z) sensor-01 count=42 avg=51.20 min=20.10 max=88.00 alerts=3 (tumbling)',
    );
  });

  it('marks updates and superseded sessions', () => {
    const line = formatResult(result({ isUpdate: true, windowKind: 'session', supersedes: [[1, 2]] }));
    expect(line.endsWith('(session) supersedes=1 UPDATE')).toBe(true);
  });

  it('shows the full end when the window crosses midnight UTC', () => {
    const start = Date.UTC(2024, 0, 1, 23, 59, 58);
    const line = formatResult(result({ windowStart: start, windowEnd: start + 5000 }));
    expect(line.startsWith('[2024-01-01T23:59:58.000Z–2024-01-02T00:00:03.000Z)')).toBe(true);
  });
});

describe('ConsoleSink', { timeout: 10_000 }, () => {
  it('writes one line per result', async () => {
    const out = new GatedStream();
    const sink = new ConsoleSink({ stream: out });
    const p = sink.write([result(), result({ sensorId: 'sensor-02', isUpdate: true })]);
    await ticks();
    out.release();
    await p;
    await sink.close();
    const lines = out.chunks.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('sensor-02');
    expect(lines[1].endsWith(' UPDATE')).toBe(true);
    expect(sink.name).toBe('console');
  });

  it('waits for drain when the stream is over its highWaterMark (backpressure)', async () => {
    const out = new GatedStream();
    const sink = new ConsoleSink({ stream: out, name: 'stdout' });
    let resolved = false;
    const p = sink.write([result()]).then(() => {
      resolved = true;
    });
    await ticks();
    expect(resolved).toBe(false);
    out.release();
    await p;
    expect(resolved).toBe(true);
    expect(sink.name).toBe('stdout');
  });

  it('rejects when the stream fails instead of hanging', async () => {
    const broken = new Writable({
      highWaterMark: 1,
      write(_c, _e, cb) {
        cb(new Error('EPIPE'));
      },
    });
    const sink = new ConsoleSink({ stream: broken });
    await expect(sink.write([result()])).rejects.toThrow(/EPIPE|closed/);
  });
});
