/**
 * The simulated source's load dimensions and demo settings: distinct keys (sensors) 1..1,000,000
 * (more keys, more window state and more results per window), and the opt-in demo faults, off by
 * default: event-time jitter (beyond the max out-of-orderness it makes late events) and a malformed
 * fraction (dead letters). Each applies on Enter or blur with `setSource`; the sim keeps running.
 */
import { memo } from 'react';
import { useDashboard } from '../store/store-context';
import { NumberSetting } from './NumberSetting';

/** Upper bound of the key count (the engine's sim accepts the same). */
export const MAX_KEYS = 1_000_000;

export const KeysControl = memo(function KeysControl() {
  const source = useDashboard((s) => s.status?.config.source);
  const run = useDashboard((s) => s.run);
  if (source?.type !== 'sim') return null;
  const num = (k: string): number | null => (typeof source[k] === 'number' ? (source[k] as number) : null);
  const set = (k: string) => (v: number) => void run({ type: 'setSource', source: { ...source, [k]: v } });
  return (
    <>
      <NumberSetting
        label="Distinct keys (sensors)"
        value={num('sensors')}
        min={1}
        max={MAX_KEYS}
        hint="1 to 1,000,000; more keys, more window state and more results per window."
        onCommit={set('sensors')}
      />
      <NumberSetting
        label="Demo: out-of-order jitter (ms)"
        value={num('jitterMs') ?? 0}
        min={0}
        max={86_400_000}
        hint="Event times lag by up to this much; beyond the max out-of-orderness some events arrive late."
        onCommit={set('jitterMs')}
      />
      <NumberSetting
        label="Demo: malformed fraction"
        value={num('malformedRate') ?? 0}
        min={0}
        max={1}
        integer={false}
        step="any"
        hint="0 to 1: this share of records is malformed and dead-lettered with a reason."
        onCommit={set('malformedRate')}
      />
    </>
  );
});
