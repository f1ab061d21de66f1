/**
 * Alerts per second: events above the alert threshold in the emitted results (left axis), and windows
 * with any (right axis: there are far fewer windows than events, so on a shared axis their bars vanish).
 */
import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AlertPoint } from '../lib/series';
import { useChartData, useDashboard } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, CHART_MARGIN_TWO_AXES, COLORS, LEGEND_STYLE, timeAxisProps, tooltipProps, useTimeAxis, valueAxisProps, CHART_NO_TAB_STOP } from './chart-theme';

const timeOf = (p: AlertPoint) => p.t;

export const AlertChart = memo(function AlertChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useChartData((s) => s.view.alerts, inView);
  const axis = useTimeAxis(data, timeOf);
  const threshold = useDashboard((s) => s.status?.config.alertThreshold);
  // An applied what-if: the switch, at its processing time (this chart's x).
  const switchAt = useDashboard((s) => s.whatIf?.applied?.at ?? null);
  return (
    <ChartCard
      ref={ref}
      title="Alerts"
      description={`Events above the alert threshold${threshold === undefined ? '' : ` (${threshold})`} in the windows emitted, per second.`}
      empty={data.length === 0}
      testId="chart-alerts"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart data={data} margin={CHART_MARGIN_TWO_AXES} {...CHART_NO_TAB_STOP}>
          <CartesianGrid yAxisId="events" stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={axis.ticks} tickFormatter={axis.tickFormatter} />
          <YAxis yAxisId="events" {...valueAxisProps} allowDecimals={false} />
          <YAxis yAxisId="windows" orientation="right" {...valueAxisProps} allowDecimals={false} />
          <Tooltip {...tooltipProps} labelFormatter={axis.labelFormatter} />
          <Legend wrapperStyle={LEGEND_STYLE} />
          <Bar yAxisId="events" name="alert events" dataKey="alerts" fill={COLORS.alerts} isAnimationActive={false} />
          <Bar yAxisId="windows" name="windows with alerts" dataKey="alertWindows" fill={COLORS.alertWindows} isAnimationActive={false} />
          {switchAt !== null ? <ReferenceLine yAxisId="events" x={switchAt} stroke={COLORS.late} strokeDasharray="4 2" label={{ value: 'what-if applied', fontSize: 11, position: 'insideTopLeft' }} /> : null}
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
