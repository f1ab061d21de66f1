/**
 * Headline numbers. Each tile has a `data-testid` and carries its raw number in `data-value`
 * (events/s, events, ms/s or ms) so tests need not parse the formatted text.
 */
import { memo } from 'react';
import { formatCompact, formatDurationMs, formatInteger } from '../lib/format';
import { backpressureLevel, maxBackpressureMsPerSec, queueLevel } from '../lib/series';
import { hasNoSource } from '../lib/source-state';
import { useDashboard } from '../store/store-context';

interface TileProps {
  testId: string;
  label: string;
  value: number | null;
  text: string;
  unit?: string;
  title?: string;
  level?: 'ok' | 'warn' | 'critical';
}

const Tile = memo(function Tile({ testId, label, value, text, unit, title, level = 'ok' }: TileProps) {
  return (
    <div className={`tile tile-${level}`} data-testid={testId} data-value={value ?? ''} title={title}>
      <span className="tile-label">{label}</span>
      <span className="tile-value">
        {text}
        {unit ? <span className="tile-unit"> {unit}</span> : null}
      </span>
    </div>
  );
});

export const MetricTiles = memo(function MetricTiles() {
  const m = useDashboard((s) => s.view.metrics);
  const received = m?.rates.receivedPerSec ?? null;
  const processed = m?.rates.processedPerSec ?? null;
  const dropped = m?.eventsDropped ?? null;
  const droppingNow = (m?.rates.droppedPerSec ?? 0) > 0;
  const bp = m ? maxBackpressureMsPerSec(m.queues ?? []) : null;
  const ingress = m?.queues?.find((q) => q.name === 'ingress') ?? m?.queues?.[0];
  const depth = ingress?.peakDepthEvents ?? null;
  const noSource = hasNoSource(m);
  const lag = noSource ? null : (m?.watermarkLagMs ?? null);
  return (
    <section className="tiles" aria-label="Key metrics">
      <Tile testId="metric-received-rate" label="Received" value={received} text={formatCompact(received)} unit="ev/s" />
      <Tile testId="metric-processed-rate" label="Processed" value={processed} text={formatCompact(processed)} unit="ev/s" />
      <Tile
        testId="metric-dropped"
        label="Dropped (total)"
        value={dropped}
        text={dropped === null ? '—' : formatInteger(dropped)}
        level={droppingNow ? 'critical' : 'ok'}
        title="Events shed by full queues since start"
      />
      <Tile
        testId="metric-backpressure"
        label="Backpressure (max)"
        value={bp}
        text={bp === null ? '—' : Math.round(bp).toString()}
        unit="ms/s"
        level={bp === null ? 'ok' : backpressureLevel(bp)}
        title="Largest time per second a producer spent blocked on a full queue (amber above 100, red above 500 ms/s, as in Flink)"
      />
      <Tile
        testId="metric-late"
        label="Late events"
        value={m?.lateEvents ?? null}
        text={m ? formatInteger(m.lateEvents) : '—'}
        level={(m?.rates.latePerSec ?? 0) > 0 ? 'warn' : 'ok'}
        title="Events that arrived after their windows closed (side output)"
      />
      <Tile
        testId="metric-rejected"
        label="Rejected"
        value={m?.eventsRejected ?? null}
        text={m ? formatInteger(m.eventsRejected) : '—'}
        level={(m?.rates.rejectedPerSec ?? 0) > 0 ? 'warn' : 'ok'}
        title="Malformed input, dead-lettered with a reason"
      />
      <Tile
        testId="metric-watermark-lag"
        label="Watermark lag"
        value={lag}
        text={noSource ? 'no source' : formatDurationMs(lag)}
        title={noSource ? 'No source is delivering: the watermark stands still until a source runs' : 'Processing time minus watermark'}
      />
      <Tile
        testId="metric-queue-depth"
        label={`Queue depth${ingress ? ` (${ingress.name})` : ''}`}
        value={depth}
        text={depth === null ? '—' : formatCompact(depth)}
        unit={ingress ? `/ ${formatCompact(ingress.capacityEvents)}` : undefined}
        level={ingress ? queueLevel(ingress) : 'ok'}
        title="Largest number of events queued in the last second (a queue drained between samples still shows its bursts)"
      />
    </section>
  );
});
