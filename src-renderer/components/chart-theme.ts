/**
 * Shared chart settings: colours are CSS custom properties (styles.css defines them per theme), so
 * charts follow the light/dark theme without re-rendering.
 */
import { useMemo, useRef } from 'react';
import { formatClock, formatCompact, formatDurationMs } from '../lib/format';
import { timeTicks } from '../lib/time-ticks';

/** Series colours, by role. */
export const COLORS = {
  received: 'var(--series-1)',
  processed: 'var(--series-2)',
  dropped: 'var(--danger)',
  avg: 'var(--series-1)',
  band: 'var(--series-1)',
  late: 'var(--warn)',
  lag: 'var(--series-3)',
  alerts: 'var(--danger)',
  alertWindows: 'var(--warn)',
  grid: 'var(--grid)',
  axis: 'var(--muted)',
} as const;

/** Colours for per-queue series, cycled. */
export const QUEUE_COLORS = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--series-4)', 'var(--series-5)'];

/** Height of every chart, px. */
export const CHART_HEIGHT = 220;

/** Props for a time X axis (ms since epoch). */
export const timeAxisProps = {
  type: 'number' as const,
  domain: ['dataMin', 'dataMax'] as [string, string],
  tickFormatter: (v: number) => formatClock(v).slice(0, 8),
  stroke: COLORS.axis,
  tick: { fontSize: 11 },
  minTickGap: 24,
};

/** Round-second ticks for a time axis over the values `key` gives for `data` (any order). */
export function ticksOf<T>(data: readonly T[], key: (item: T) => number, maxTicks = 5): number[] {
  if (data.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const d of data) {
    const v = key(d);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return timeTicks(min, max, maxTicks);
}

/**
 * {@link ticksOf} for a chart's data, as the SAME array while the ticks do not change (they move
 * about once every few seconds): a new array would make recharts re-register the axis and
 * recompute it on every update. `key` must be a stable (module-level) function.
 */
export function useTimeTicks<T>(data: readonly T[], key: (item: T) => number, maxTicks = 5): number[] {
  const held = useRef<number[]>([]);
  return useMemo(() => {
    const next = ticksOf(data, key, maxTicks);
    const prev = held.current;
    if (next.length === prev.length && next.every((v, i) => v === prev[i])) return prev;
    held.current = next;
    return next;
  }, [data, key, maxTicks]);
}

/** Margins of the charts (constants: recharts compares these props). */
export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
export const CHART_MARGIN_TWO_AXES = { top: 8, right: 4, bottom: 0, left: 0 };

/** Legend wrapper style. */
export const LEGEND_STYLE = { fontSize: 12 };

/** Tick labels of a duration axis (ms). */
export const durationTickFormatter = (v: number) => formatDurationMs(v);

/** Props for a numeric Y axis with compact labels. */
export const valueAxisProps = {
  stroke: COLORS.axis,
  tick: { fontSize: 11 },
  width: 52,
  tickFormatter: (v: number) => formatCompact(v),
};

/** Tooltip styling (theme colours) and time label. */
export const tooltipProps = {
  isAnimationActive: false,
  contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)', fontSize: 12 },
  labelStyle: { color: 'var(--text)' },
  labelFormatter: (v: unknown) => (typeof v === 'number' ? formatClock(v) : String(v)),
};
