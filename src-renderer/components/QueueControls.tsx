/** Policy and capacity of the ingress queue and of the per-sink queues (`setQueue`). */
import { memo, useId } from 'react';
import { QUEUE_POLICIES, type QueuePolicy } from '../../src-shared/types';
import { useDashboard } from '../store/store-context';
import { type ParseResult, useDraftField } from './use-draft-field';
import { NumberField } from './WindowControls';

const POLICY_LABELS: Record<QueuePolicy, string> = {
  block: 'block (backpressure the producer)',
  'drop-newest': 'drop-newest (shed incoming)',
  'drop-oldest': 'drop-oldest (shed queued)',
};
const POLICIES = QUEUE_POLICIES.map((value) => ({ value, label: POLICY_LABELS[value] }));

const parseCapacity = (label: string) => (text: string): ParseResult<number> => {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > 10_000_000)
    return { ok: false, error: `${label}: a whole number of events, 1 to 10,000,000` };
  return { ok: true, value: n };
};

const QueueGroup = memo(function QueueGroup({ queue, title }: { queue: 'ingress' | 'sink'; title: string }) {
  const policyId = useId();
  const capId = useId();
  const config = useDashboard((s) => s.status?.config.queues[queue]);
  const run = useDashboard((s) => s.run);
  const capacity = useDraftField(config ? String(config.maxEvents) : '', parseCapacity(`${title} queue capacity`), (maxEvents) => {
    void run({ type: 'setQueue', queue, maxEvents });
  });
  return (
    <>
      <div className="field">
        <label htmlFor={policyId}>{title} queue policy</label>
        <select
          id={policyId}
          value={config?.policy ?? 'block'}
          onChange={(e) => void run({ type: 'setQueue', queue, policy: e.target.value as QueuePolicy })}
        >
          {POLICIES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <NumberField id={capId} label={`${title} queue capacity`} unit="events" field={capacity} min={1} step={1} />
    </>
  );
});

export const QueueControls = memo(function QueueControls() {
  return (
    <fieldset className="control-group">
      <legend>Queues</legend>
      <QueueGroup queue="ingress" title="Ingress" />
      <QueueGroup queue="sink" title="Sink" />
    </fieldset>
  );
});
