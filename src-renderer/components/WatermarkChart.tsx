/** Watermark lag (processing time − watermark, ms) and late events per second. */
import { memo } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDurationMs } from '../lib/format';
import { useLiveDashboard } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, COLORS, ticksOf, timeAxisProps, tooltipProps, valueAxisProps } from './chart-theme';

export const WatermarkChart = memo(function WatermarkChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useLiveDashboard((s) => s.view.watermark, inView);
  return (
    <ChartCard
      ref={ref}
      title="Watermark lag and late events"
      description="How far event time trails processing time, and events arriving after their windows closed (side output)."
      empty={data.length === 0}
      testId="chart-watermark"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <ComposedChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={ticksOf(data, (p) => p.t)} />
          <YAxis yAxisId="lag" {...valueAxisProps} tickFormatter={(v: number) => formatDurationMs(v)} width={64} />
          <YAxis yAxisId="late" orientation="right" {...valueAxisProps} />
          <Tooltip {...tooltipProps} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line yAxisId="lag" name="watermark lag (ms)" dataKey="lagMs" stroke={COLORS.lag} dot={false} isAnimationActive={false} strokeWidth={2} connectNulls={false} />
          <Line yAxisId="late" name="late events/s" dataKey="latePerSec" stroke={COLORS.late} dot={false} isAnimationActive={false} strokeWidth={2} />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
