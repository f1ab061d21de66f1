/**
 * A number field that applies on Enter or blur (never per keystroke), shows the host's value when
 * that changes, and reports an out-of-range entry through the error banner instead of sending it.
 */
import { memo, useEffect, useId, useState } from 'react';
import { formatInteger } from '../lib/format';
import { useDashboard } from '../store/store-context';

interface Props {
  label: string;
  /** The host's value; null while unknown. */
  value: number | null;
  min: number;
  max: number;
  integer?: boolean;
  step?: number | 'any';
  hint?: string;
  /** Called with a valid, changed value. */
  onCommit: (value: number) => void;
}

export const NumberSetting = memo(function NumberSetting({ label, value, min, max, integer = true, step = 1, hint, onCommit }: Props) {
  const id = useId();
  const showError = useDashboard((s) => s.showError);
  const [text, setText] = useState(value === null ? '' : String(value));
  useEffect(() => {
    if (value !== null) setText(String(value));
  }, [value]);
  const commit = () => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      showError(`${label}: give ${integer ? 'a whole number' : 'a number'} from ${formatInteger(min)} to ${formatInteger(max)}`);
      return;
    }
    if (n !== value) onCommit(n);
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={step}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      {hint ? <span className="hint">{hint}</span> : null}
    </div>
  );
});
