/**
 * Shared chart settings: colours are CSS custom properties (styles.css defines them per theme), so
 * charts follow the light/dark theme without re-rendering.
 */
import { useMemo, useRef } from 'react';
import { formatClock, formatCompact, formatDurationMs } from '../lib/format';
import { formatTimePoint, formatTimeTick, timeAxis, type TimeAxis, type TimeLabelMode } from '../lib/time-ticks';

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

/** Props for a time X axis (ms since epoch); ticks and labels come from {@link useTimeAxis}. */
export const timeAxisProps = {
  type: 'number' as const,
  domain: ['dataMin', 'dataMax'] as [string, string],
  tickFormatter: (v: number) => formatTimeTick(v, 'clock'),
  stroke: COLORS.axis,
  tick: { fontSize: 11 },
  minTickGap: 24,
};

/** Min and max of the values `key` gives for `data` (any order); null when empty. */
function rangeOf<T>(data: readonly T[], key: (item: T) => number): [number, number] | null {
  if (data.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const d of data) {
    const v = key(d);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** The axis part of a time chart: X axis ticks and tick labels, and the tooltip's time label. */
export interface TimeAxisProps {
  ticks: number[];
  mode: TimeLabelMode;
  tickFormatter: (v: number) => string;
  labelFormatter: (v: unknown) => string;
}

function axisProps(axis: TimeAxis): TimeAxisProps {
  return {
    ticks: axis.ticks,
    mode: axis.mode,
    tickFormatter: (v: number) => formatTimeTick(v, axis.mode),
    labelFormatter: (v: unknown) => (typeof v === 'number' ? formatTimePoint(v, axis.mode) : String(v)),
  };
}

/**
 * The time axis of a chart's data ({@link timeAxis}): ticks, and labels that carry the date once
 * the data spans a day or more, crosses midnight, or (`lengthOf`: window length of a point) stands
 * for windows of a day or more. The SAME object while ticks and mode do not change (they move about
 * once every few seconds): new arrays or formatters would make recharts re-register the axis and
 * recompute it on every update. `key` and `lengthOf` must be stable (module-level) functions.
 */
export function useTimeAxis<T>(data: readonly T[], key: (item: T) => number, lengthOf?: (item: T) => number, maxTicks = 5): TimeAxisProps {
  const held = useRef<TimeAxisProps>(axisProps({ ticks: [], mode: 'clock' }));
  return useMemo(() => {
    const range = rangeOf(data, key);
    let windowMs = 0;
    if (lengthOf) for (const d of data) windowMs = Math.max(windowMs, lengthOf(d));
    const next = range ? timeAxis(range[0], range[1], { maxTicks, windowMs }) : { ticks: [], mode: 'clock' as const };
    const prev = held.current;
    if (next.mode === prev.mode && next.ticks.length === prev.ticks.length && next.ticks.every((v, i) => v === prev.ticks[i])) return prev;
    held.current = axisProps(next);
    return held.current;
  }, [data, key, lengthOf, maxTicks]);
}

/** Margins of the charts (constants: recharts compares these props). */
export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
/**
 * Props of every chart: no recharts keyboard layer, which makes each chart a tab stop that offers
 * nothing to a keyboard user (the numbers are in the tiles and tables).
 */
export const CHART_NO_TAB_STOP = { accessibilityLayer: false } as const;
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

/** Props of every line series: no dots, no animation (at 10 frames/s animation only costs), 2 px. */
export const seriesLineProps = { dot: false, isAnimationActive: false, strokeWidth: 2 } as const;

/** Tooltip styling (theme colours) and time label. */
export const tooltipProps = {
  isAnimationActive: false,
  contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)', fontSize: 12 },
  labelStyle: { color: 'var(--text)' },
  labelFormatter: (v: unknown) => (typeof v === 'number' ? formatClock(v) : String(v)),
};
