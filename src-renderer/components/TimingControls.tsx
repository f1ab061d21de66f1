/**
 * Event-time settings, as the CLI has them: event vs processing time, max out-of-orderness (the
 * watermark's delay), allowed lateness and idle timeout, in ms. The time select applies on click,
 * Enter or blur (not while arrowing); the numbers on Enter or blur. A change fires open windows.
 */
import { memo, useId } from 'react';
import { useDashboard } from '../store/store-context';
import { NumberSetting } from './NumberSetting';
import { useSelectCommit } from './use-select-commit';

type TimeMode = 'event' | 'processing';
const DAY_MS = 86_400_000;

export const TimingControls = memo(function TimingControls() {
  const id = useId();
  const timing = useDashboard((s) => s.status?.config.timing);
  const run = useDashboard((s) => s.run);
  const mode = useSelectCommit<TimeMode>(timing?.timeMode ?? 'event', (timeMode) => void run({ type: 'setTiming', timeMode }));
  const set = (k: 'maxOutOfOrdernessMs' | 'allowedLatenessMs' | 'idleTimeoutMs') => (v: number) => void run({ type: 'setTiming', [k]: v });
  return (
    <fieldset className="control-group">
      <legend>Event time</legend>
      <div className="field">
        <label htmlFor={id}>Time</label>
        <select id={id} {...mode}>
          <option value="event">event time (the events’ timestamps)</option>
          <option value="processing">processing time (arrival)</option>
        </select>
      </div>
      <NumberSetting label="Max out-of-orderness (ms)" value={timing?.maxOutOfOrdernessMs ?? null} min={0} max={DAY_MS} hint="The watermark trails the largest event time by this much." onCommit={set('maxOutOfOrdernessMs')} />
      <NumberSetting label="Allowed lateness (ms)" value={timing?.allowedLatenessMs ?? null} min={0} max={DAY_MS} hint="A fired window still takes late events this long (and re-emits)." onCommit={set('allowedLatenessMs')} />
      <NumberSetting label="Idle timeout (ms)" value={timing?.idleTimeoutMs ?? null} min={0} max={DAY_MS} hint="Without input this long, the watermark moves on (0 = never)." onCommit={set('idleTimeoutMs')} />
    </fieldset>
  );
});
