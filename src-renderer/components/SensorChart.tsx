/** Avg (line) and min–max (band) of one sensor over its windows; the sensor is picked in a select. */
import { memo, useId } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SensorPoint } from '../lib/series';
import { shallowEqual, useChartData, useDashboard, type DashboardSelectorState } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LEGEND_STYLE, seriesLineProps, timeAxisProps, tooltipProps, useTimeAxis, valueAxisProps, CHART_NO_TAB_STOP } from './chart-theme';

const SensorPicker = memo(function SensorPicker() {
  const id = useId();
  const sensors = useDashboard((s) => s.view.sensors);
  const selected = useDashboard((s) => s.view.selectedSensor);
  const selectSensor = useDashboard((s) => s.selectSensor);
  return (
    <div className="inline-field">
      <label htmlFor={id}>Sensor</label>
      <select
        id={id}
        value={selected ?? ''}
        disabled={sensors.length === 0}
        onChange={(e) => selectSensor(e.target.value || null)}
      >
        {sensors.length === 0 ? <option value="">none yet</option> : null}
        {sensors.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
    </div>
  );
});

const band = (p: SensorPoint): [number, number] => [p.min, p.max];
const windowStartOf = (p: SensorPoint) => p.windowStart;
const windowLengthOf = (p: SensorPoint) => p.windowEnd - p.windowStart;
const AUTO_DOMAIN: [string, string] = ['auto', 'auto'];
/** The series and the sensor it belongs to, shown together (the title names the charted sensor). */
const selectSeries = (s: DashboardSelectorState) => ({ data: s.view.sensorSeries, selected: s.view.selectedSensor });

export const SensorChart = memo(function SensorChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const { data, selected } = useChartData(selectSeries, inView, { equal: shallowEqual });
  const axis = useTimeAxis(data, windowStartOf, windowLengthOf);
  // An applied what-if: the switch, at the watermark (event time) where the new windows took over.
  const switchAt = useDashboard((s) => s.whatIf?.applied?.coverage.watermark ?? null);
  return (
    <ChartCard
      ref={ref}
      title="Sensor windows"
      description={`Average, minimum and maximum per window${selected ? ` for ${selected}` : ''} (x = window start, event time).`}
      empty={data.length === 0}
      emptyText="Waiting for window results…"
      testId="chart-sensor"
      actions={<SensorPicker />}
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={data} margin={CHART_MARGIN} {...CHART_NO_TAB_STOP}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="windowStart" {...timeAxisProps} ticks={axis.ticks} tickFormatter={axis.tickFormatter} />
          <YAxis {...valueAxisProps} domain={AUTO_DOMAIN} />
          <Tooltip {...tooltipProps} labelFormatter={axis.labelFormatter} />
          <Legend wrapperStyle={LEGEND_STYLE} />
          <Area name="min–max" dataKey={band} stroke="none" fill={COLORS.band} fillOpacity={0.18} isAnimationActive={false} />
          <Line name="avg" dataKey="avg" stroke={COLORS.avg} {...seriesLineProps} />
          {switchAt !== null ? <ReferenceLine x={switchAt} stroke={COLORS.late} strokeDasharray="4 2" label={{ value: 'what-if applied', fontSize: 11, position: 'insideTopLeft' }} /> : null}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
