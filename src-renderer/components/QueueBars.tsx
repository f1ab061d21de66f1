/**
 * One bar per bounded queue: fills with depth/capacity and turns amber, then red, as the queue fills,
 * its producer is backpressured, or it drops events. This is where backpressure is seen live.
 */
import { memo } from 'react';
import type { QueueSnapshot } from '../../src-shared/types';
import { formatCompact, formatInteger } from '../lib/format';
import { queueFill, queueLevel } from '../lib/series';
import { useDashboard } from '../store/store-context';

const QueueBar = memo(function QueueBar({ q, dropRate }: { q: QueueSnapshot; dropRate: number }) {
  const fill = queueFill(q);
  const level = queueLevel(q, dropRate > 0);
  const percent = Math.round(fill * 100);
  return (
    <li className={`queue queue-${level}`} data-testid={`queue-${q.name}`} data-level={level}>
      <div className="queue-head">
        <span className="queue-name">{q.name}</span>
        <span className="queue-policy">{q.policy}</span>
        <span className="queue-numbers">
          peak {formatCompact(q.peakDepthEvents)} / {formatCompact(q.capacityEvents)} events
        </span>
      </div>
      <div
        className="queue-track"
        role="meter"
        aria-label={`${q.name} queue fill`}
        aria-valuemin={0}
        aria-valuemax={q.capacityEvents}
        aria-valuenow={q.peakDepthEvents}
        aria-valuetext={`${percent}% full at peak, ${q.peakDepthEvents} of ${q.capacityEvents} events`}
      >
        <div className="queue-fill" style={{ transform: `scaleX(${fill})` }} />
      </div>
      <div className="queue-foot">
        <span>backpressure {Math.round(q.backpressuredMsPerSec)} ms/s</span>
        <span>busy {Math.round(q.busyMsPerSec)} ms/s</span>
        <span className={dropRate > 0 ? 'dropping' : undefined}>
          dropped {formatInteger(q.droppedEvents)}
          {dropRate > 0 ? ` (${formatCompact(dropRate)}/s)` : ''}
        </span>
      </div>
    </li>
  );
});

export const QueueBars = memo(function QueueBars() {
  const queues = useDashboard((s) => s.view.metrics?.queues);
  const dropRates = useDashboard((s) => s.view.queueDropRates);
  return (
    <section className="card" aria-labelledby="queues-heading" data-testid="queue-bars">
      <header className="card-header">
        <h2 id="queues-heading">Queues</h2>
      </header>
      {!queues || queues.length === 0 ? (
        <p className="empty">No queue metrics yet.</p>
      ) : (
        <ul className="queue-list">
          {queues.map((q) => (
            <QueueBar key={q.name} q={q} dropRate={dropRates[q.name] ?? 0} />
          ))}
        </ul>
      )}
    </section>
  );
});
