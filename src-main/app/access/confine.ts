/**
 * Applies the app's authority to what a UI command asks for (see app-paths.ts): a file source reads
 * only an allowed input file; a file sink and the webhook's dead letters write only inside the data
 * dir and always append (a restart or a toggle never truncates the user's files); a WebSocket sink
 * listens on loopback unless the host was started for remote access, and requires the host's secret.
 */
import { join } from 'node:path';
import { isLoopbackHost } from '../../engine/net/access';
import type { SinkEntry } from '../config-shape';
import { AppPaths, PathRefusedError } from './app-paths';

/** File name of the webhook sink's dead letters in the data dir. */
export const WEBHOOK_DEAD_LETTER_FILE = 'webhook-dead-letter.jsonl';

/** The network side of the app's authority. */
export interface NetAccess {
  /** The host itself was started for remote access (`--allow-remote`): sinks may listen beyond loopback. */
  remote: boolean;
  /** The host's secret; a WebSocket sink requires it from its clients. */
  token?: string;
}

/** Everything the app may touch: files through `paths`, listeners through `net`. */
export interface AppAccess {
  paths: AppPaths;
  net: NetAccess;
}

/**
 * The source config with its file path replaced by the real, allowed path.
 * @throws PathRefusedError when the path is not one the app may read.
 */
export async function confineSource<S extends { type: string; [k: string]: unknown }>(source: S, access: AppAccess): Promise<S> {
  if (source.type !== 'file') return source;
  if (typeof source.path !== 'string') return source; // the engine's schema names the missing field
  return { ...source, path: await access.paths.input(source.path) };
}

/**
 * One sink setting confined (see the module comment); other kinds are returned as they are.
 * @throws PathRefusedError for a path outside the data dir or a non-loopback host without remote access.
 */
export async function confineSink(sink: SinkEntry, access: AppAccess): Promise<SinkEntry> {
  switch (sink.type) {
    case 'file':
      if (typeof sink.path !== 'string') return sink;
      return { ...sink, path: await access.paths.output(sink.path), append: true };
    case 'webhook': {
      const deadLetterPath = typeof sink.deadLetterPath === 'string' ? sink.deadLetterPath : join(access.paths.dataDir, WEBHOOK_DEAD_LETTER_FILE);
      return { ...sink, deadLetterPath: await access.paths.output(deadLetterPath) };
    }
    case 'websocket': {
      const host = typeof sink.host === 'string' ? sink.host : '127.0.0.1';
      if (!access.net.remote && !isLoopbackHost(host)) {
        throw new PathRefusedError(`websocket sink: host ${host} is beyond loopback; start the app with --allow-remote to listen there`);
      }
      const { token: _t, allowedOrigins: _o, ...rest } = sink;
      return { ...rest, host, allowedOrigins: [], ...(access.net.token ? { token: access.net.token } : {}) };
    }
    default:
      return sink;
  }
}

/** Every sink setting confined, in order. */
export async function confineSinks(sinks: readonly SinkEntry[], access: AppAccess): Promise<SinkEntry[]> {
  const out: SinkEntry[] = [];
  for (const s of sinks) out.push(await confineSink(s, access));
  return out;
}
