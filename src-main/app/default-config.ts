/**
 * The app's default pipeline: simulated sensors (10 keys, 1000 events/s), tumbling 5 s windows in
 * event time, alert threshold 80, the JSONL file sink enabled (`<dataDir>/output.jsonl`), console,
 * webhook (dead letters kept in the data dir), WebSocket and throttled demo sinks present but disabled, metrics
 * server on 127.0.0.1:9090.
 */
import { join } from 'node:path';
import { LIVE_SIM_SOURCE } from '../engine/sources/source-config';

/** Options of {@link defaultPipelineInput}. */
export interface DefaultConfigOptions {
  /** Directory holding output.jsonl, late.jsonl and dead-letter.jsonl. */
  dataDir: string;
  /** Metrics server address; `false` = no metrics server. Default 127.0.0.1:9090. */
  metrics?: { host: string; port: number } | false;
}

/** File name of the file sink's output, the one "Export output.jsonl" exports. */
export const OUTPUT_FILE_NAME = 'output.jsonl';

/** Path of the file sink's output under `dataDir`. */
export function outputPath(dataDir: string): string {
  return join(dataDir, OUTPUT_FILE_NAME);
}

/**
 * The raw (unparsed) default config; the engine's `parseConfig` validates it and fills the rest.
 * The simulated source is the CLI's (LIVE_SIM_SOURCE): nothing late, nothing malformed until the
 * user asks for it (jitter beyond the out-of-orderness, a malformed fraction) in the source settings.
 * Every file of the app is appended to and rotated by size with a total cap (never truncated by a
 * restart, a toggle or Stop/Start): output.jsonl at 100 MiB × (5 + 1) files at most, late.jsonl,
 * dead-letter.jsonl and webhook-dead-letter.jsonl at 64 MiB × (4 + 1) each.
 */
export function defaultPipelineInput(opts: DefaultConfigOptions): Record<string, unknown> {
  return {
    source: { ...LIVE_SIM_SOURCE },
    window: { kind: 'tumbling', sizeMs: 5000 },
    timeMode: 'event',
    maxOutOfOrdernessMs: 1000,
    allowedLatenessMs: 0,
    idleTimeoutMs: 2000,
    alertThreshold: 80,
    sinks: [
      { type: 'file', enabled: true, path: outputPath(opts.dataDir), append: true, maxBytes: 100 * 1024 * 1024 },
      { type: 'console', enabled: false },
      { type: 'webhook', enabled: false, url: 'http://127.0.0.1:8080/results', deadLetterPath: join(opts.dataDir, 'webhook-dead-letter.jsonl') },
      { type: 'websocket', enabled: false, host: '127.0.0.1', port: 8081, path: '/results' },
      { type: 'throttled', enabled: false, resultsPerSec: 100, latencyMsPerBatch: 0 },
    ],
    lateOutput: join(opts.dataDir, 'late.jsonl'),
    deadLetter: join(opts.dataDir, 'dead-letter.jsonl'),
    // Appended across Stop/Start and restarts; rotated at 64 MiB, 4 rotated files kept (the engine's defaults).
    sideOutputs: { append: true },
    metrics: opts.metrics === undefined ? { host: '127.0.0.1', port: 9090 } : opts.metrics,
  };
}
