/**
 * The source choice. Sources without settings (sim, system, http) are applied as soon as chosen;
 * file, mqtt and nats show their fields and an "Apply source" button that sends `setSource`.
 * Options sent use the engine's field names: file {path}; mqtt {url, topics: [topic]};
 * nats {servers: string[], stream, subjects, durable: 'streamscope-ui', createStream: true}.
 * The form is a draft (lib/source-settings.ts): it follows the host's source only when that source
 * changes by value, and never over edits not yet applied.
 */
import { memo, useEffect, useId, useRef, useState } from 'react';
import type { SourceType } from '../../src-shared/contract';
import {
  buildSource,
  editSourceDraft,
  followHostSource,
  initialSourceDraft,
  NEEDS_SETTINGS,
  settleSourceDraft,
  type SourceSettings as Settings,
} from '../lib/source-settings';
import { getStreamscopeApi } from '../api';
import { useDashboard } from '../store/store-context';
import { useSelectCommit } from './use-select-commit';

const SOURCE_LABELS: Record<SourceType, string> = {
  sim: 'sim — simulated sensors',
  system: 'system — this machine’s CPU/memory',
  file: 'file — replay a JSONL/JSON/CSV file',
  mqtt: 'mqtt — subscribe to a broker topic',
  nats: 'nats — JetStream subject',
  http: 'http — POST events to the host',
};

export const SourceControls = memo(function SourceControls() {
  const ids = {
    type: useId(), path: useId(), fileKey: useId(), fileTime: useId(), fileValue: useId(), fileSpeed: useId(),
    url: useId(), topic: useId(), servers: useId(), stream: useId(), subject: useId(),
  };
  const current = useDashboard((s) => s.status?.config.source);
  const run = useDashboard((s) => s.run);
  const metricsUrl = useDashboard((s) => s.status?.metricsUrl);
  const ingestPath = useDashboard((s) => s.status?.config.source.path);
  const showError = useDashboard((s) => s.showError);
  const [draft, setDraft] = useState(() => initialSourceDraft(current));
  const { type, settings } = draft;
  const hostSource = useRef(current);
  hostSource.current = current;

  // Follow the host's source when it changes BY VALUE. Every status (threshold, window, sinks, …)
  // brings a new source object; re-seeding on each would throw away a form not yet applied.
  useEffect(() => {
    setDraft((d) => followHostSource(d, current));
  }, [current]);

  const apply = (t: SourceType) => {
    const built = buildSource(t, settings);
    if (!built.ok) {
      showError(built.error);
      return;
    }
    void run({ type: 'setSource', source: built.source }).then((reply) => setDraft((d) => settleSourceDraft(d, reply.ok, hostSource.current)));
  };

  const onType = (t: SourceType) => {
    setDraft((d) => editSourceDraft(d, { type: t }));
    if (!NEEDS_SETTINGS.has(t)) apply(t);
  };

  const typeSelect = useSelectCommit<SourceType>(type, onType);

  // Electron: the native open dialog chooses the file (the app reads no other file outside its data dir).
  const chooseInputFile = getStreamscopeApi().chooseInputFile;
  const choose = () => {
    void chooseInputFile?.().then((reply) => {
      if (reply.ok) setDraft((d) => editSourceDraft(d, { settings: { path: reply.path } }));
      else if (reply.error !== 'no file chosen') showError(reply.error);
    });
  };

  const text = (key: keyof Settings, id: string, label: string, placeholder?: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        value={settings[key]}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => setDraft((d) => editSourceDraft(d, { settings: { [key]: e.target.value } }))}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply(type);
        }}
      />
    </div>
  );

  return (
    <fieldset className="control-group">
      <legend>Input</legend>
      <div className="field">
        <label htmlFor={ids.type}>Source</label>
        <select id={ids.type} {...typeSelect}>
          {(Object.keys(SOURCE_LABELS) as SourceType[]).map((t) => (
            <option key={t} value={t}>
              {SOURCE_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      {type === 'file' ? (
        <>
          {text('path', ids.path, 'File path', '/path/to/events.jsonl')}
          {chooseInputFile ? (
            <button type="button" className="secondary" onClick={choose}>
              Choose file…
            </button>
          ) : null}
          {text('fileKey', ids.fileKey, 'Key field', 'sensorId, properties.net or =name')}
          {text('fileTime', ids.fileTime, 'Time field', 'timestamp (epoch ms or ISO-8601)')}
          {text('fileValue', ids.fileValue, 'Value field', 'value')}
          {text('fileSpeed', ids.fileSpeed, 'Replay speed', 'max, or a factor such as 60')}
        </>
      ) : null}
      {type === 'mqtt' ? (
        <>
          {text('mqttUrl', ids.url, 'MQTT broker URL', 'mqtt://127.0.0.1:1883')}
          {text('mqttTopic', ids.topic, 'MQTT topic filter', 'sensors/#')}
        </>
      ) : null}
      {type === 'nats' ? (
        <>
          {text('natsServers', ids.servers, 'NATS servers', '127.0.0.1:4222')}
          {text('natsStream', ids.stream, 'NATS stream')}
          {text('natsSubject', ids.subject, 'NATS subjects', 'streamscope.events.>')}
        </>
      ) : null}
      {type === 'http' ? (
        <p className="hint mono" data-testid="http-ingest-url">
          {metricsUrl
            ? `POST events (NDJSON or a JSON array) to ${metricsUrl}${typeof ingestPath === 'string' ? ingestPath : '/ingest'}`
            : 'POST /ingest on the metrics server (not running: its port may be taken)'}
        </p>
      ) : null}
      {NEEDS_SETTINGS.has(type) ? (
        <button type="button" className="secondary" onClick={() => apply(type)}>
          Apply source
        </button>
      ) : null}
    </fieldset>
  );
});
