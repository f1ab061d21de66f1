/**
 * One checkbox per sink ("Console sink", "File sink", "Webhook sink", "WebSocket sink"); the webhook
 * also needs its URL; the slow demo sink ("throttled") has a speed in results/s, applied live on Enter or
 * blur (its queue keeps what it holds). A toggle sends `setSink` at once; the checkbox shows the intended state until
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
  throttled: 'Slow demo sink',
};
const ORDER: SinkName[] = ['console', 'file', 'webhook', 'websocket', 'throttled'];

export const SinkControls = memo(function SinkControls() {
  const urlId = useId();
  const speedId = useId();
  const baseId = useId();
  const sinks = useDashboard((s) => s.status?.config.sinks);
  const run = useDashboard((s) => s.run);
  const showError = useDashboard((s) => s.showError);
  const [optimistic, setOptimistic] = useState<Partial<Record<SinkName, boolean>>>({});
  const hostWebhookUrl = sinks?.find((s) => s.name === 'webhook')?.options?.url;
  const [url, setUrl] = useState(typeof hostWebhookUrl === 'string' ? hostWebhookUrl : '');
  const hostSpeed = sinks?.find((s) => s.name === 'throttled')?.options?.resultsPerSec;
  const [speedText, setSpeedText] = useState(typeof hostSpeed === 'number' ? String(hostSpeed) : '100');
  const speed = Number(speedText);
  useEffect(() => {
    if (typeof hostSpeed === 'number') setSpeedText(String(hostSpeed));
  }, [hostSpeed]);

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
    if (name === 'throttled' && on) options = { resultsPerSec: speed };
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

  const commitSpeed = () => {
    if (!(Number.isFinite(speed) && speed > 0)) {
      showError('Slow sink speed: give a number of results per second above 0');
      return;
    }
    if (speed === hostSpeed) return;
    void run({ type: 'setSink', sink: 'throttled', enabled: enabled('throttled'), options: { resultsPerSec: speed } });
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
            {name === 'webhook' || name === 'throttled' ? null : <SinkDetail sink={byName.get(name)} />}
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
      <div className="field">
        <label htmlFor={speedId}>Slow sink speed (results/s)</label>
        <input
          id={speedId}
          type="number"
          min={1}
          step="any"
          value={speedText}
          onChange={(e) => setSpeedText(e.target.value)}
          onBlur={commitSpeed}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commitSpeed();
          }}
        />
        <span className="hint">A downstream that takes this many results per second; its queue fills when results come faster.</span>
      </div>
    </fieldset>
  );
});

/** A short hint of a sink's main option (file path, the WebSocket sink's full URL) when the host reports one. */
function SinkDetail({ sink }: { sink: UiSink | undefined }) {
  const o = sink?.options ?? {};
  const ws = typeof o.port === 'number' ? `ws://${typeof o.host === 'string' ? o.host : '127.0.0.1'}:${o.port}${typeof o.path === 'string' ? o.path : '/'}` : null;
  const detail = ws ?? (typeof o.path === 'string' ? o.path : typeof o.url === 'string' ? o.url : null);
  return detail ? <span className="hint mono">{detail}</span> : null;
}
