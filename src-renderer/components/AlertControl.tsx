/** The alert threshold: events with a value strictly above it count as alerts in each window. */
import { memo, useId } from 'react';
import { useDashboard } from '../store/store-context';
import { type ParseResult, useDraftField } from './use-draft-field';
import { NumberField } from './WindowControls';

const parseThreshold = (text: string): ParseResult<number> => {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) return { ok: false, error: 'Alert threshold: enter a number' };
  return { ok: true, value: n };
};

export const AlertControl = memo(function AlertControl() {
  const id = useId();
  const threshold = useDashboard((s) => s.status?.config.alertThreshold);
  const run = useDashboard((s) => s.run);
  const field = useDraftField(threshold === undefined ? '' : String(threshold), parseThreshold, (value) => {
    void run({ type: 'setAlertThreshold', alertThreshold: value });
  });
  return <NumberField id={id} label="Alert threshold" field={field} min={-1e12} />;
});
