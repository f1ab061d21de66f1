/**
 * One checkbox per sink ("Console sink", "File sink", "Webhook sink", "WebSocket sink"); the webhook
 * also needs its URL. A toggle sends `setSink` at once; the checkbox shows the intended state until
 * the host's status confirms (or the reply's error is shown and the host's state comes back).
 */
import { memo, useEffect, useId, useState } from 'react';
import type { SinkName, UiSink } from '../../src-shared/contract';
import { webhookUrlError } from '../lib/sink-settings';
import { useDashboard } from '../store/store-context';

const LABELS: Record<SinkName, string> = {
  console: 'Console sink',
  file: 'File sink',
  webhook: 'Webhook sink',
  websocket: 'WebSocket sink',
};
const ORDER: SinkName[] = ['console', 'file', 'webhook', 'websocket'];

export const SinkControls = memo(function SinkControls() {
  const urlId = useId();
  const baseId = useId();
  const sinks = useDashboard((s) => s.status?.config.sinks);
  const run = useDashboard((s) => s.run);
  const showError = useDashboard((s) => s.showError);
  const [optimistic, setOptimistic] = useState<Partial<Record<SinkName, boolean>>>({});
  const hostWebhookUrl = sinks?.find((s) => s.name === 'webhook')?.options?.url;
  const [url, setUrl] = useState(typeof hostWebhookUrl === 'string' ? hostWebhookUrl : '');

  useEffect(() => setOptimistic({}), [sinks]);
  useEffect(() => {
    if (typeof hostWebhookUrl === 'string') setUrl(hostWebhookUrl);
  }, [hostWebhookUrl]);

  const byName = new Map<SinkName, UiSink>((sinks ?? []).map((s) => [s.name, s]));
  const enabled = (name: SinkName) => optimistic[name] ?? byName.get(name)?.enabled ?? false;

  const toggle = async (name: SinkName, on: boolean) => {
    let options: Record<string, unknown> | undefined;
    if (name === 'webhook' && on) {
      const err = webhookUrlError(url);
      if (err) {
        showError(err);
        return;
      }
      options = { url: url.trim() };
    }
    setOptimistic((o) => ({ ...o, [name]: on }));
    const reply = await run({ type: 'setSink', sink: name, enabled: on, ...(options ? { options } : {}) });
    if (!reply.ok) setOptimistic((o) => ({ ...o, [name]: undefined }));
  };

  const commitUrl = () => {
    if (!enabled('webhook')) return;
    const current = typeof hostWebhookUrl === 'string' ? hostWebhookUrl : '';
    if (url.trim() === current) return;
    const err = webhookUrlError(url);
    if (err) showError(err);
    else void run({ type: 'setSink', sink: 'webhook', enabled: true, options: { url: url.trim() } });
  };

  return (
    <fieldset className="control-group">
      <legend>Sinks</legend>
      {ORDER.map((name) => {
        const id = `${baseId}-${name}`;
        return (
          <div key={name} className="check-field">
            <input id={id} type="checkbox" checked={enabled(name)} onChange={(e) => void toggle(name, e.target.checked)} />
            <label htmlFor={id}>{LABELS[name]}</label>
            {name === 'webhook' ? null : <SinkDetail sink={byName.get(name)} />}
          </div>
        );
      })}
      <div className="field">
        <label htmlFor={urlId}>Webhook URL</label>
        <input
          id={urlId}
          type="url"
          value={url}
          placeholder="http://127.0.0.1:8080/results"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => setUrl(e.target.value)}
          onBlur={commitUrl}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitUrl();
          }}
        />
      </div>
    </fieldset>
  );
});

/** A short hint of a sink's main option (file path, WebSocket port) when the host reports one. */
function SinkDetail({ sink }: { sink: UiSink | undefined }) {
  const o = sink?.options ?? {};
  const detail = typeof o.path === 'string' ? o.path : typeof o.port === 'number' ? `port ${o.port}` : typeof o.url === 'string' ? o.url : null;
  return detail ? <span className="hint mono">{detail}</span> : null;
}
