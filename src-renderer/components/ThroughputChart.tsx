/** Events received, processed and dropped per second (from `metrics.rates`), over the last ~30 s. */
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ThroughputPoint } from '../lib/series';
import { useChartData } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LEGEND_STYLE, seriesLineProps, timeAxisProps, tooltipProps, useTimeAxis, valueAxisProps, CHART_NO_TAB_STOP } from './chart-theme';

const timeOf = (p: ThroughputPoint) => p.t;

export const ThroughputChart = memo(function ThroughputChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useChartData((s) => s.view.throughput, inView);
  const axis = useTimeAxis(data, timeOf);
  return (
    <ChartCard
      ref={ref}
      title="Throughput"
      description="Events per second received from the source, processed by the window operator, and dropped by full queues."
      empty={data.length === 0}
      testId="chart-throughput"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={data} margin={CHART_MARGIN} {...CHART_NO_TAB_STOP}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={axis.ticks} tickFormatter={axis.tickFormatter} />
          <YAxis {...valueAxisProps} />
          <Tooltip {...tooltipProps} labelFormatter={axis.labelFormatter} />
          <Legend wrapperStyle={LEGEND_STYLE} />
          <Line name="received/s" dataKey="received" stroke={COLORS.received} {...seriesLineProps} />
          <Line name="processed/s" dataKey="processed" stroke={COLORS.processed} {...seriesLineProps} strokeDasharray="6 3" />
          <Line name="dropped/s" dataKey="dropped" stroke={COLORS.dropped} {...seriesLineProps} />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
