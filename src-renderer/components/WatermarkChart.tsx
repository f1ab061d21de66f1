/** Watermark lag (processing time − watermark, ms) and late events per second. */
import { memo } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WatermarkPoint } from '../lib/series';
import { useChartData } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, CHART_MARGIN_TWO_AXES, COLORS, LEGEND_STYLE, durationTickFormatter, seriesLineProps, timeAxisProps, tooltipProps, useTimeAxis, valueAxisProps, CHART_NO_TAB_STOP } from './chart-theme';

const timeOf = (p: WatermarkPoint) => p.t;

export const WatermarkChart = memo(function WatermarkChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useChartData((s) => s.view.watermark, inView);
  const axis = useTimeAxis(data, timeOf);
  return (
    <ChartCard
      ref={ref}
      title="Watermark lag and late events"
      description="How far event time trails processing time, and events arriving after their windows closed (side output)."
      empty={data.length === 0}
      testId="chart-watermark"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={data} margin={CHART_MARGIN_TWO_AXES} {...CHART_NO_TAB_STOP}>
          <CartesianGrid yAxisId="lag" stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={axis.ticks} tickFormatter={axis.tickFormatter} />
          <YAxis yAxisId="lag" {...valueAxisProps} tickFormatter={durationTickFormatter} width="auto" />
          <YAxis yAxisId="late" orientation="right" {...valueAxisProps} />
          <Tooltip {...tooltipProps} labelFormatter={axis.labelFormatter} />
          <Legend wrapperStyle={LEGEND_STYLE} />
          <Line yAxisId="lag" name="watermark lag (ms)" dataKey="lagMs" stroke={COLORS.lag} {...seriesLineProps} connectNulls={false} />
          <Line yAxisId="late" name="late events/s" dataKey="latePerSec" stroke={COLORS.late} {...seriesLineProps} />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
