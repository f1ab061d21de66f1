/** Alerts per second: events above the alert threshold in the emitted results, and windows with any. */
import { memo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useDashboard, useLiveDashboard } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, COLORS, ticksOf, timeAxisProps, tooltipProps, valueAxisProps } from './chart-theme';

export const AlertChart = memo(function AlertChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useLiveDashboard((s) => s.view.alerts, inView);
  const threshold = useDashboard((s) => s.status?.config.alertThreshold);
  return (
    <ChartCard
      ref={ref}
      title="Alerts"
      description={`Events above the alert threshold${threshold === undefined ? '' : ` (${threshold})`} in the windows emitted, per second.`}
      empty={data.length === 0}
      testId="chart-alerts"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={ticksOf(data, (p) => p.t)} />
          <YAxis {...valueAxisProps} allowDecimals={false} />
          <Tooltip {...tooltipProps} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar name="alert events" dataKey="alerts" fill={COLORS.alerts} isAnimationActive={false} />
          <Bar name="windows with alerts" dataKey="alertWindows" fill={COLORS.alertWindows} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
