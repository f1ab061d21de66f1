import { describe, expect, it } from 'vitest';
import { commandSchema, IPC, wsClientMessageSchema } from '../src-shared/contract';
import { IPC as IPC_CHANNELS } from '../src-shared/ipc-channels';

describe('commandSchema', () => {
  it('accepts every command kind', () => {
    const ok = [
      { type: 'start' },
      { type: 'stop' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'setRate', rateEventsPerSec: 1 },
      { type: 'setRate', rateEventsPerSec: 1_000_000 },
      { type: 'setWindow', window: { kind: 'tumbling', sizeMs: 1000 } },
      { type: 'setWindow', window: { kind: 'hopping', sizeMs: 1000, slideMs: 250 } },
      { type: 'setWindow', window: { kind: 'session', gapMs: 500 } },
      { type: 'setAlertThreshold', alertThreshold: -3.5 },
      { type: 'setSource', source: { type: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'x' } },
      { type: 'setSink', sink: 'webhook', enabled: true, options: { url: 'http://127.0.0.1:1/x' } },
      { type: 'setQueue', queue: 'ingress', policy: 'drop-newest', maxEvents: 100 },
    ];
    for (const c of ok) expect(commandSchema.safeParse(c).success, JSON.stringify(c)).toBe(true);
  });

  it('rejects out-of-range, unknown and extra fields', () => {
    const bad = [
      {},
      { type: 'explode' },
      { type: 'start', extra: 1 },
      { type: 'setRate', rateEventsPerSec: 0 },
      { type: 'setRate', rateEventsPerSec: 100_000_001 },
      { type: 'setRate', rateEventsPerSec: Number.NaN },
      { type: 'setRate', rateEventsPerSec: '100' },
      { type: 'setWindow', window: { kind: 'tumbling', sizeMs: 0 } },
      { type: 'setWindow', window: { kind: 'hopping', sizeMs: 1000, slideMs: 2000 } },
      { type: 'setWindow', window: { kind: 'sliding', sizeMs: 1000 } },
      { type: 'setAlertThreshold', alertThreshold: Infinity },
      { type: 'setSource', source: { type: 'kafka' } },
      { type: 'setSink', sink: 'email', enabled: true },
      { type: 'setSink', sink: 'file', enabled: 'yes' },
      { type: 'setQueue', queue: 'egress', policy: 'block' },
      { type: 'setQueue', queue: 'sink', policy: 'drop-random' },
    ];
    for (const c of bad) expect(commandSchema.safeParse(c).success, JSON.stringify(c)).toBe(false);
  });

  it('hopping slide > size gives a readable message', () => {
    const r = commandSchema.safeParse({ type: 'setWindow', window: { kind: 'hopping', sizeMs: 1000, slideMs: 2000 } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('slide must be <= size');
  });
});

describe('wire messages', () => {
  it('accepts {id, cmd} and {id, getStatus}', () => {
    expect(wsClientMessageSchema.safeParse({ id: 1, cmd: { type: 'start' } }).success).toBe(true);
    expect(wsClientMessageSchema.safeParse({ id: 2, getStatus: true }).success).toBe(true);
    expect(wsClientMessageSchema.safeParse({ cmd: { type: 'start' } }).success).toBe(false);
    expect(wsClientMessageSchema.safeParse({ id: 1.5, cmd: {} }).success).toBe(false);
  });

  it('IPC channels are the dependency-free ones the preload bundles', () => {
    expect(IPC).toBe(IPC_CHANNELS);
    expect(Object.values(IPC).every((c) => c.startsWith('streamscope:'))).toBe(true);
  });
});
