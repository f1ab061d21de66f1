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


/** A host source config: `type` plus its options. */
export type HostSource = { type: SourceType } & Record<string, unknown>;

/** A text key of a host source by value: equal configs give equal keys, whatever their key order. */
export function sourceKey(source: HostSource | undefined | null): string {
  const stable = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(stable);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return source ? JSON.stringify(stable(source)) : '';
}

/** The form's fields seeded from the host's source; fields that source does not set keep `prev`. */
export function settingsFromSource(source: HostSource, prev: SourceSettings): SourceSettings {
  const mapping = (source.type === 'file' ? source.mapping : undefined) as Record<string, unknown> | undefined;
  return {
    path: source.type === 'file' ? settingText(source.path, prev.path) : prev.path,
    fileKey: settingText(mapping?.key, prev.fileKey),
    fileTime: settingText(mapping?.time, prev.fileTime),
    fileValue: settingText(mapping?.value, prev.fileValue),
    fileSpeed: source.type === 'file' && source.speed !== undefined ? String(source.speed) : prev.fileSpeed,
    mqttUrl: source.type === 'mqtt' ? settingText(source.url, prev.mqttUrl) : prev.mqttUrl,
    mqttTopic: source.type === 'mqtt' ? settingText(source.topics, prev.mqttTopic) : prev.mqttTopic,
    natsServers: source.type === 'nats' ? settingText(source.servers, prev.natsServers) : prev.natsServers,
    natsStream: source.type === 'nats' ? settingText(source.stream, prev.natsStream) : prev.natsStream,
    natsSubject: source.type === 'nats' ? settingText(source.subjects, prev.natsSubject) : prev.natsSubject,
  };
}

/**
 * The source form as the user edits it: the chosen type and fields, whether they hold edits not yet
 * applied (`dirty`), and the host source (by {@link sourceKey}) they were last reconciled with.
 */
export interface SourceDraft {
  type: SourceType;
  settings: SourceSettings;
  dirty: boolean;
  hostKey: string;
}

/** A clean draft showing the host's source (sim and the defaults before the host answered). */
export function initialSourceDraft(source: HostSource | undefined | null): SourceDraft {
  const clean: SourceDraft = { type: 'sim', settings: DEFAULT_SOURCE_SETTINGS, dirty: false, hostKey: '' };
  return source ? followHostSource(clean, source) : clean;
}

/**
 * The draft after a host status arrived. Statuses come with every config change (threshold, window,
 * sinks, lifecycle), each carrying a new but usually equal source object: the draft is re-seeded
 * only when the host's source changed BY VALUE, and never over edits the user has not applied yet.
 * Returns `draft` itself when nothing changes.
 */
export function followHostSource(draft: SourceDraft, source: HostSource | undefined | null): SourceDraft {
  if (!source) return draft;
  const key = sourceKey(source);
  if (key === draft.hostKey) return draft;
  if (draft.dirty) return { ...draft, hostKey: key };
  return { type: source.type, settings: settingsFromSource(source, draft.settings), dirty: false, hostKey: key };
}

/** The draft after the user chose a type or typed into a field: it holds unapplied edits. */
export function editSourceDraft(draft: SourceDraft, edit: { type?: SourceType; settings?: Partial<SourceSettings> }): SourceDraft {
  return {
    ...draft,
    type: edit.type ?? draft.type,
    settings: edit.settings ? { ...draft.settings, ...edit.settings } : draft.settings,
    dirty: true,
  };
}

/**
 * The draft after a `setSource` was answered: applied → clean (it now follows the host again);
 * refused → a source with settings keeps the user's fields to fix, one without goes back to the host's.
 */
export function settleSourceDraft(draft: SourceDraft, applied: boolean, host: HostSource | undefined | null): SourceDraft {
  if (applied) return draft.dirty ? { ...draft, dirty: false } : draft;
  if (NEEDS_SETTINGS.has(draft.type)) return draft;
  return followHostSource({ ...draft, dirty: false, hostKey: '' }, host);
}
