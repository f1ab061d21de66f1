/**
 * Distinct keys (sensors) of the simulated source, 1..1,000,000: more keys mean more window state
 * and more results per window. Applied on Enter or blur with `setSource` (the sim keeps running; the
 * new key count applies from its next batch).
 */
import { memo, useEffect, useId, useState } from 'react';
import { formatInteger } from '../lib/format';
import { useDashboard } from '../store/store-context';

/** Upper bound of the key count (the engine's sim accepts the same). */
export const MAX_KEYS = 1_000_000;

export const KeysControl = memo(function KeysControl() {
  const id = useId();
  const source = useDashboard((s) => s.status?.config.source);
  const run = useDashboard((s) => s.run);
  const showError = useDashboard((s) => s.showError);
  const hostKeys = typeof source?.sensors === 'number' ? source.sensors : null;
  const [text, setText] = useState(hostKeys === null ? '' : String(hostKeys));
  useEffect(() => {
    if (hostKeys !== null) setText(String(hostKeys));
  }, [hostKeys]);
  if (source?.type !== 'sim') return null;

  const commit = () => {
    const n = Number(text);
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_KEYS)) {
      showError(`Distinct keys: give a whole number from 1 to ${formatInteger(MAX_KEYS)}`);
      return;
    }
    if (n === hostKeys) return;
    void run({ type: 'setSource', source: { ...source, sensors: n } });
  };
  return (
    <div className="field">
      <label htmlFor={id}>Distinct keys (sensors)</label>
      <input
        id={id}
        type="number"
        min={1}
        max={MAX_KEYS}
        step={1}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <span className="hint">1 to 1,000,000; more keys, more window state and more results per window.</span>
    </div>
  );
});
