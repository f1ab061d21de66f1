/** The latest window results, newest first (bounded by the store; at most 200 rows). */
import { memo, useMemo } from 'react';
import type { WindowResult } from '../../src-shared/types';
import { formatTime, formatValue, resultsNeedDate } from '../lib/format';
import { useDashboard } from '../store/store-context';

/** Rows shown (the store keeps up to 200; the DOM gets at most this many). */
const MAX_ROWS = 100;

const Row = memo(function Row({ r, withDate }: { r: WindowResult; withDate: boolean }) {
  return (
    <tr>
      <td>{formatTime(r.windowStart, withDate)}</td>
      <td>{formatTime(r.windowEnd, withDate)}</td>
      <td className="mono">{r.sensorId}</td>
      <td className="num">{r.count}</td>
      <td className="num">{formatValue(r.avg)}</td>
      <td className="num">{formatValue(r.min)}</td>
      <td className="num">{formatValue(r.max)}</td>
      <td className={r.alertCount > 0 ? 'num cell-alert' : 'num'}>{r.alertCount}</td>
      <td>{r.isUpdate ? 'update' : ''}</td>
    </tr>
  );
});

export const ResultsTable = memo(function ResultsTable() {
  const results = useDashboard((s) => s.view.results);
  const skipped = useDashboard((s) => s.view.resultsSkipped);
  const rows = results.length > MAX_ROWS ? results.slice(0, MAX_ROWS) : results;
  // Dates once windows last a day or more, or the rows span midnight: a clock alone is ambiguous.
  const withDate = useMemo(() => resultsNeedDate(rows), [rows]);
  return (
    <section className="card table-card" aria-labelledby="results-heading">
      <header className="card-header">
        <h2 id="results-heading">Latest window results</h2>
        <span className="card-meta">
          {results.length} kept{skipped > 0 ? ` · ${skipped} not sent by the host (frame cap)` : ''}
        </span>
      </header>
      <div className="table-scroll" tabIndex={0} aria-label="Latest window results, scrollable">
        <table data-testid="results-table">
          <thead>
            <tr>
              <th scope="col">windowStart</th>
              <th scope="col">windowEnd</th>
              <th scope="col">sensorId</th>
              <th scope="col" className="num">count</th>
              <th scope="col" className="num">avg</th>
              <th scope="col" className="num">min</th>
              <th scope="col" className="num">max</th>
              <th scope="col" className="num">alertCount</th>
              <th scope="col">update</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <Row key={`${r.sensorId}|${r.windowStart}|${r.windowEnd}|${r.emittedAt}`} r={r} withDate={withDate} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? <p className="empty">No window results yet.</p> : null}
      </div>
    </section>
  );
});
