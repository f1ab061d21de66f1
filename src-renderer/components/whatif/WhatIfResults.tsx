/**
 * The outcome of a what-if: the summary table (current vs what-if over the same retained events),
 * the keys with the greatest extremes, and both series drawn on shared axes, clearly labelled.
 */
import { memo } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WhatIfOutcomeView, WhatIfSummary } from '../../../src-shared/types';
import { formatInteger, formatValue } from '../../lib/format';
import { CHART_HEIGHT, CHART_MARGIN, COLORS, LEGEND_STYLE, timeAxisProps, tooltipProps } from '../chart-theme';
import { describeWindow } from './whatif-form';

const ROWS: Array<[string, (s: WhatIfSummary) => number]> = [
  ['Windows', (s) => s.windows],
  ['Alerts (events above threshold)', (s) => s.alerts],
  ['Windows with alerts', (s) => s.alertWindows],
  ['Late events', (s) => s.lateEvents],
  ['Updates (late but allowed)', (s) => s.updates],
  ['Windows still open at the end', (s) => s.openAtEnd],
  ['Partial windows (history overwritten)', (s) => s.partialWindows],
  ['Keys', (s) => s.keys],
];

const delta = (a: number, b: number): string => (b === a ? '0' : `${b > a ? '+' : '−'}${formatInteger(Math.abs(b - a))}`);
const AUTO: [string, string] = ['auto', 'auto'];

/** Summary table, top keys and the two charts of one outcome. */
export const WhatIfResults = memo(function WhatIfResults({ outcome }: { outcome: WhatIfOutcomeView }) {
  const cur = outcome.current.summary;
  const next = outcome.whatIf.summary;
  const curLabel = `current (${describeWindow(cur.settings)}, threshold ${cur.settings.alertThreshold})`;
  const nextLabel = `what-if (${describeWindow(next.settings)}, threshold ${next.settings.alertThreshold})`;
  const curByKey = new Map(outcome.current.summary.topKeys.map((k) => [k.sensorId, k]));
  const sensor = outcome.whatIf.series.sensorId;
  return (
    <div className="whatif-results">
      <p className="card-description">
        Both columns replay the same {formatInteger(cur.events)} retained events through the engine's window operators (in {Math.round(outcome.elapsedMs)} ms).
      </p>
      <table data-testid="whatif-summary" className="whatif-table">
        <caption>Current vs what-if settings over the retained history</caption>
        <thead>
          <tr>
            <th scope="col">over the retained history</th>
            <th scope="col" className="num">{curLabel}</th>
            <th scope="col" className="num">{nextLabel}</th>
            <th scope="col" className="num">change</th>
          </tr>
        </thead>
        <tbody>
          {ROWS.map(([label, get]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td className="num">{formatInteger(get(cur))}</td>
              <td className="num">{formatInteger(get(next))}</td>
              <td className="num">{delta(get(cur), get(next))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table data-testid="whatif-keys" className="whatif-table">
        <caption>Keys with the greatest maximum (what-if), alerts under both settings</caption>
        <thead>
          <tr>
            <th scope="col">sensorId</th>
            <th scope="col" className="num">min</th>
            <th scope="col" className="num">max</th>
            <th scope="col" className="num">alerts, current</th>
            <th scope="col" className="num">alerts, what-if</th>
          </tr>
        </thead>
        <tbody>
          {next.topKeys.slice(0, 5).map((k) => (
            <tr key={k.sensorId}>
              <th scope="row">{k.sensorId}</th>
              <td className="num">{formatValue(k.min)}</td>
              <td className="num">{formatValue(k.max)}</td>
              <td className="num">{curByKey.has(k.sensorId) ? formatInteger(curByKey.get(k.sensorId)!.alerts) : '—'}</td>
              <td className="num">{formatInteger(k.alerts)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="chart-grid">
        <figure className="card chart-card" data-testid="whatif-chart-sensor" aria-label={`Average per window of ${sensor ?? 'no sensor'}: current vs what-if`}>
          <figcaption className="card-description">Average per window of {sensor ?? '—'} (x = window start, event time): current solid, what-if dashed.</figcaption>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <ComposedChart margin={CHART_MARGIN}>
              <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="windowStart" {...timeAxisProps} allowDuplicatedCategory={false} />
              <YAxis domain={AUTO} stroke={COLORS.axis} tick={{ fontSize: 11 }} />
              <Tooltip {...tooltipProps} />
              <Legend wrapperStyle={LEGEND_STYLE} />
              <Line data={outcome.current.series.sensor} name={curLabel} dataKey="avg" stroke={COLORS.avg} dot={false} isAnimationActive={false} />
              <Line data={outcome.whatIf.series.sensor} name={nextLabel} dataKey="avg" stroke={COLORS.alerts} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </figure>
        <figure className="card chart-card" data-testid="whatif-chart-alerts" aria-label="Alerts per window end: current vs what-if">
          <figcaption className="card-description">Alerts (events above threshold) per window end, all keys: current solid, what-if dashed.</figcaption>
          <ResponsiveContainer width="100%" height={CHART_HEIGHT}>
            <ComposedChart margin={CHART_MARGIN}>
              <CartesianGrid stroke={COLORS.grid} strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="t" {...timeAxisProps} allowDuplicatedCategory={false} />
              <YAxis allowDecimals={false} stroke={COLORS.axis} tick={{ fontSize: 11 }} />
              <Tooltip {...tooltipProps} />
              <Legend wrapperStyle={LEGEND_STYLE} />
              <Line data={outcome.current.series.alerts} name={curLabel} dataKey="alerts" type="stepAfter" stroke={COLORS.avg} dot={false} isAnimationActive={false} />
              <Line data={outcome.whatIf.series.alerts} name={nextLabel} dataKey="alerts" type="stepAfter" stroke={COLORS.alerts} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
            </ComposedChart>
          </ResponsiveContainer>
        </figure>
      </div>
    </div>
  );
});
