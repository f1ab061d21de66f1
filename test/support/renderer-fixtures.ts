/** Sample snapshots and results for renderer tests (plausible values; override what a test checks). */
import type { MetricsSnapshot, QueueSnapshot } from '../../src-shared/types';

/** A queue snapshot: `depth` of `capacity` events, `bp` ms/s backpressured. */
export function queue(name: string, depth: number, capacity: number, bp = 0, dropped = 0): QueueSnapshot {
  return {
    name,
    depthEvents: depth,
    peakDepthEvents: depth,
    capacityEvents: capacity,
    policy: 'block',
    backpressuredMsPerSec: bp,
    busyMsPerSec: 0,
    idleMsPerSec: 1000 - bp,
    droppedEvents: dropped,
  };
}

/** A metrics snapshot taken at `at` (ms). */
export function metrics(at: number, over: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    at,
    uptimeMs: at,
    eventsReceived: 0,
    eventsProcessed: 0,
    eventsDropped: 0,
    eventsRejected: 0,
    lateEvents: 0,
    windowsEmitted: 0,
    backpressureEvents: 0,
    sinkErrors: 0,
    rates: { receivedPerSec: 100, processedPerSec: 90, droppedPerSec: 10, rejectedPerSec: 0, latePerSec: 1, emittedPerSec: 5 },
    watermark: at - 500,
    watermarkLagMs: 500,
    rejectedByReason: {},
    queues: [queue('ingress', 10, 100)],
    sources: [],
    sinks: [],
    latencySeconds: { p50: null, p99: null },
    ...over,
  };
}

/** A tumbling 1 s result of `sensorId` starting at `windowStart`. */
export { windowResult as result } from './window-result';
