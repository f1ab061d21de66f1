/** Queue depth (events) and backpressured time (ms/s) per queue, over the last ~30 s. */
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { QueuePoint } from '../lib/series';
import { useLiveDashboard } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, COLORS, QUEUE_COLORS, ticksOf, timeAxisProps, tooltipProps, valueAxisProps } from './chart-theme';

export const QueueDepthChart = memo(function QueueDepthChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useLiveDashboard((s) => s.view.queues, inView);
  const names = useLiveDashboard((s) => s.view.queueNames, inView);
  return (
    <ChartCard
      ref={ref}
      title="Queue depth"
      description="Events waiting in each bounded queue."
      empty={data.length === 0 || names.length === 0}
      testId="chart-queue-depth"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={ticksOf(data, (p) => p.t)} />
          <YAxis {...valueAxisProps} />
          <Tooltip {...tooltipProps} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {names.map((name, i) => (
            <Line
              key={name}
              name={name}
              dataKey={(p: QueuePoint) => p.depth[name] ?? null}
              stroke={QUEUE_COLORS[i % QUEUE_COLORS.length]}
              dot={false}
              isAnimationActive={false}
              strokeWidth={2}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});

export const BackpressureChart = memo(function BackpressureChart() {
  const [ref, inView] = useInView<HTMLElement>();
  const data = useLiveDashboard((s) => s.view.queues, inView);
  const names = useLiveDashboard((s) => s.view.queueNames, inView);
  return (
    <ChartCard
      ref={ref}
      title="Backpressure time"
      description="Milliseconds per second the producer of each queue spent blocked (0–1000)."
      empty={data.length === 0 || names.length === 0}
      testId="chart-backpressure"
    >
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={ticksOf(data, (p) => p.t)} />
          <YAxis {...valueAxisProps} domain={[0, 1000]} unit="" />
          <Tooltip {...tooltipProps} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {names.map((name, i) => (
            <Line
              key={name}
              name={`${name} ms/s`}
              dataKey={(p: QueuePoint) => p.backpressureMsPerSec[name] ?? null}
              stroke={QUEUE_COLORS[i % QUEUE_COLORS.length]}
              dot={false}
              isAnimationActive={false}
              strokeWidth={2}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
});
