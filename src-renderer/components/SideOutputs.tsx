/** Late events, dead letters and log lines: the newest few of each, so nothing vanishes silently. */
import { memo } from 'react';
import { formatTime, sameLocalDay } from '../lib/format';
import { useDashboard } from '../store/store-context';

const SHOWN = 12;

/** A time with its date when it is not today (replayed files carry event times of other days). */
const timeText = (ms: number, now: number) => formatTime(ms, !sameLocalDay(ms, now));

export const SideOutputs = memo(function SideOutputs() {
  const late = useDashboard((s) => s.view.late);
  const dead = useDashboard((s) => s.view.deadLetters);
  const logs = useDashboard((s) => s.view.logs);
  const now = Date.now();
  return (
    <section className="card side-outputs" aria-labelledby="side-heading">
      <header className="card-header">
        <h2 id="side-heading">Side outputs and log</h2>
      </header>
      <div className="side-grid">
        <div>
          <h3>Late events</h3>
          {late.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <ul className="mono-list" data-testid="late-list">
              {late.slice(0, SHOWN).map((l, i) => (
                <li key={`${l.at}-${i}`}>
                  {l.event.sensorId} @ {timeText(l.event.timestamp, now)} = {l.event.value} (watermark {timeText(l.watermark, now)})
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Dead letters</h3>
          {dead.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <ul className="mono-list" data-testid="dead-letter-list">
              {dead.slice(0, SHOWN).map((d, i) => (
                <li key={`${d.at}-${i}`} title={d.raw}>
                  [{d.reason}] {d.detail} <span className="muted">({d.source})</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Log</h3>
          {logs.length === 0 ? (
            <p className="empty">Nothing logged.</p>
          ) : (
            <ul className="mono-list" data-testid="log-list">
              {logs.slice(0, SHOWN).map((l, i) => (
                <li key={`${l.at}-${i}`} className={`log-${l.level}`}>
                  {timeText(l.at, now)} {l.level} {l.msg}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
});
