/**
 * The source settings form as data: field values, and the `setSource` payload they make. Options use
 * the engine's field names: file {path, mapping {key, time, value}, speed}; mqtt {url, topics: [topic]}; nats {servers: string[],
 * stream, subjects, durable: 'streamscope-ui', createStream: true}.
 */
import type { SourceType } from '../../src-shared/contract';

/** Sources that need settings before they can be applied. */
export const NEEDS_SETTINGS: ReadonlySet<SourceType> = new Set(['file', 'mqtt', 'nats']);

/** The text fields of the source settings form. */
export interface SourceSettings {
  path: string;
  /** File field mapping: key, event-time and value field (dot path or CSV column; key `=name` = constant). */
  fileKey: string;
  fileTime: string;
  fileValue: string;
  /** Replay pace: 'max' or a factor of the recorded speed. */
  fileSpeed: string;
  mqttUrl: string;
  mqttTopic: string;
  natsServers: string;
  natsStream: string;
  natsSubject: string;
}

/** Initial field values (local brokers). */
export const DEFAULT_SOURCE_SETTINGS: SourceSettings = {
  path: '',
  fileKey: 'sensorId',
  fileTime: 'timestamp',
  fileValue: 'value',
  fileSpeed: 'max',
  mqttUrl: 'mqtt://127.0.0.1:1883',
  mqttTopic: 'streamscope/events',
  natsServers: '127.0.0.1:4222',
  natsStream: 'streamscope',
  natsSubject: 'streamscope.events.>',
};

/** A host option rendered as field text (arrays joined with ", "). */
export function settingText(v: unknown, fallback: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(', ');
  return fallback;
}

/** Build the `setSource` payload of `type`, or an error naming the missing field. */
export function buildSource(
  type: SourceType,
  s: SourceSettings,
): { ok: true; source: { type: SourceType } & Record<string, unknown> } | { ok: false; error: string } {
  switch (type) {
    case 'file':
    {
      if (!s.path.trim()) return { ok: false, error: 'File source: enter the path of the file to replay.' };
      const mapping = { key: s.fileKey.trim(), time: s.fileTime.trim(), value: s.fileValue.trim() };
      if (!mapping.key || !mapping.time || !mapping.value) return { ok: false, error: 'File source: key, time and value fields must not be empty.' };
      const speedText = s.fileSpeed.trim();
      const speed = speedText === '' || speedText === 'max' ? 'max' : Number(speedText);
      if (speed !== 'max' && !(speed > 0)) return { ok: false, error: 'File source: speed is "max" or a factor > 0 of the recorded speed (e.g. 60).' };
      return { ok: true, source: { type, path: s.path.trim(), mapping, speed } };
    }
    case 'mqtt':
      if (!/^(mqtts?|wss?|tcp|ssl):\/\//.test(s.mqttUrl.trim()))
        return { ok: false, error: 'MQTT source: the broker URL must start with mqtt://, mqtts://, ws:// or wss://.' };
      if (!s.mqttTopic.trim()) return { ok: false, error: 'MQTT source: enter a topic.' };
      return { ok: true, source: { type, url: s.mqttUrl.trim(), topics: [s.mqttTopic.trim()] } };
    case 'nats': {
      const servers = s.natsServers
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);
      if (servers.length === 0) return { ok: false, error: 'NATS source: enter at least one server (host:port).' };
      if (!/^[A-Za-z0-9_-]+$/.test(s.natsStream.trim()))
        return { ok: false, error: 'NATS source: the stream name takes letters, digits, _ and - only.' };
      if (!s.natsSubject.trim()) return { ok: false, error: 'NATS source: enter a subject.' };
      return {
        ok: true,
        source: { type, servers, stream: s.natsStream.trim(), subjects: s.natsSubject.trim(), durable: 'streamscope-ui', createStream: true },
      };
    }
    default:
      return { ok: true, source: { type } };
  }
}

