/** Queue depth (events) and backpressured time (ms/s) per queue, over the last ~30 s. */
import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { QueuePoint } from '../lib/series';
import { shallowEqual, useChartData, type DashboardSelectorState } from '../store/store-context';
import { useInView } from './use-in-view';
import { ChartCard } from './ChartCard';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LEGEND_STYLE, QUEUE_COLORS, seriesLineProps, timeAxisProps, tooltipProps, useTimeAxis, valueAxisProps, CHART_NO_TAB_STOP } from './chart-theme';

interface QueueSeriesChartProps {
  title: string;
  description: string;
  testId: string;
  /** The value of one queue in one point. */
  pick: (p: QueuePoint, queue: string) => number | undefined;
  /** Appended to each queue's name in the legend. */
  suffix?: string;
  domain?: [number, number];
}

const timeOf = (p: QueuePoint) => p.t;
/** Points and queue names, shown together. */
const selectQueues = (s: DashboardSelectorState) => ({ data: s.view.queues, names: s.view.queueNames });

/** One line per queue over time. */
function QueueSeriesChart({ title, description, testId, pick, suffix = '', domain }: QueueSeriesChartProps) {
  const [ref, inView] = useInView<HTMLElement>();
  const { data, names } = useChartData(selectQueues, inView, { equal: shallowEqual });
  const axis = useTimeAxis(data, timeOf);
  // One stable accessor per queue: a new function each render would make recharts re-register the line.
  const keys = useMemo(() => names.map((name) => (p: QueuePoint) => pick(p, name) ?? null), [names, pick]);
  return (
    <ChartCard ref={ref} title={title} description={description} empty={data.length === 0 || names.length === 0} testId={testId}>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
        <LineChart data={data} margin={CHART_MARGIN} {...CHART_NO_TAB_STOP}>
          <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" {...timeAxisProps} ticks={axis.ticks} tickFormatter={axis.tickFormatter} />
          <YAxis {...valueAxisProps} {...(domain ? { domain } : {})} />
          <Tooltip {...tooltipProps} labelFormatter={axis.labelFormatter} />
          <Legend wrapperStyle={LEGEND_STYLE} />
          {names.map((name, i) => (
            <Line
              key={name}
              name={`${name}${suffix}`}
              dataKey={keys[i]}
              stroke={QUEUE_COLORS[i % QUEUE_COLORS.length]}
              {...seriesLineProps}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

const pickDepth = (p: QueuePoint, q: string) => p.depth[q];
const pickBackpressure = (p: QueuePoint, q: string) => p.backpressureMsPerSec[q];
const BACKPRESSURE_DOMAIN: [number, number] = [0, 1000];

export const QueueDepthChart = memo(function QueueDepthChart() {
  return <QueueSeriesChart title="Queue depth" description="Events waiting in each bounded queue." testId="chart-queue-depth" pick={pickDepth} />;
});

export const BackpressureChart = memo(function BackpressureChart() {
  return (
    <QueueSeriesChart
      title="Backpressure time"
      description="Milliseconds per second the producer of each queue spent blocked (0–1000)."
      testId="chart-backpressure"
      pick={pickBackpressure}
      suffix=" ms/s"
      domain={BACKPRESSURE_DOMAIN}
    />
  );
});
