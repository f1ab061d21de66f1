/**
 * Command-line options of the web host (`npm start` where Electron is absent):
 * --host (127.0.0.1) --port (7070; 0 = any) --data-dir (./.streamscope-data) --renderer-dir (out/renderer)
 * --allow-remote --token (or STREAMSCOPE_TOKEN; default: generated per launch) --input-root DIR (repeatable)
 * --metrics-port (9090; 0 = any) --no-metrics --config FILE (JSON, overrides the default pipeline config key by key)
 * --history-mb (256: memory for the what-if panel's retained events, 20 bytes each)
 * --checkpoint-interval (10s: time between checkpoints in <data-dir>/checkpoints) --no-checkpoints.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../engine/time/duration';

/** Parsed web host options. */
export interface WebHostArgs {
  host: string;
  port: number;
  dataDir: string;
  rendererDir: string;
  allowRemote: boolean;
  token?: string;
  metrics: { host: string; port: number } | false;
  /** Optional pipeline config file (JSON) replacing the defaults. */
  configFile?: string;
  /** Folders (besides the data dir) the file source may read from. */
  inputRoots: string[];
  /** Budget of the retained history (what-if), MiB. */
  historyMb: number;
  /** Checkpoints in `<dataDir>/checkpoints/` every `intervalMs`, or false (`--no-checkpoints`). */
  checkpoints: { intervalMs: number } | false;
}

/** Usage text printed for --help and after an argument error. */
export const USAGE = `usage: streamscope-web [--host 127.0.0.1] [--port 7070] [--data-dir ./.streamscope-data]
                       [--renderer-dir out/renderer] [--metrics-port 9090 | --no-metrics]
                       [--allow-remote] [--token TOKEN] [--input-root DIR]… [--config pipeline.json]
                       [--history-mb 256] [--checkpoint-interval 10s | --no-checkpoints]`;

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--${name}: expected a port 0..65535, got ${JSON.stringify(value)}`);
  return n;
}

/** Parse argv (without node and script). Throws an Error naming the bad option. */
export function parseWebHostArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): WebHostArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7070' },
      'data-dir': { type: 'string', default: './.streamscope-data' },
      'renderer-dir': { type: 'string', default: 'out/renderer' },
      'allow-remote': { type: 'boolean', default: false },
      token: { type: 'string' },
      'metrics-port': { type: 'string', default: '9090' },
      'no-metrics': { type: 'boolean', default: false },
      config: { type: 'string' },
      'input-root': { type: 'string', multiple: true, default: [] },
      'history-mb': { type: 'string', default: '256' },
      'checkpoint-interval': { type: 'string', default: '10s' },
      'no-checkpoints': { type: 'boolean', default: false },
    },
  });
  let intervalMs: number;
  try {
    intervalMs = parseDuration(values['checkpoint-interval'] as string);
  } catch (err) {
    throw new Error(`--checkpoint-interval: ${(err as Error).message}`);
  }
  const historyMb = Number(values['history-mb']);
  if (!Number.isFinite(historyMb) || historyMb <= 0 || historyMb > 65536) throw new Error(`--history-mb: expected MiB in (0, 65536], got ${JSON.stringify(values['history-mb'])}`);
  const host = values.host as string;
  return {
    host,
    port: port('port', values.port as string),
    dataDir: values['data-dir'] as string,
    rendererDir: values['renderer-dir'] as string,
    allowRemote: values['allow-remote'] as boolean,
    token: (values.token as string | undefined) ?? (env.STREAMSCOPE_TOKEN || undefined),
    metrics: values['no-metrics'] ? false : { host: '127.0.0.1', port: port('metrics-port', values['metrics-port'] as string) },
    configFile: values.config as string | undefined,
    inputRoots: values['input-root'] as string[],
    historyMb,
    checkpoints: values['no-checkpoints'] ? false : { intervalMs },
  };
}
