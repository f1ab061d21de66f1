/**
 * The DuckDB contender of the `streamscope process` comparison (issue 13): one SQL statement that
 * reads an NDJSON file of `{sensorId, timestamp, value}` lines (`read_json`), groups it by key and
 * tumbling event-time window, and writes one JSON line per key and window (`COPY … (FORMAT json)`):
 * what a user with a large NDJSON file would write instead of a stream processor. One thread
 * (`threads=1`), in-memory database. Loads `@duckdb/node-api` (a devDependency) lazily, so the rest
 * of the bench runs without it.
 */

/** What {@link duckdbTumbling} computes: tumbling windows of `windowMs`, alerts over `alertThreshold`. */
export interface DuckdbTumblingJob {
  /** NDJSON file to read. */
  input: string;
  /** JSON Lines file to write (one object per key and window, unordered). */
  output: string;
  /** Window size, ms. */
  windowMs: number;
  /** Values strictly above it count in alertCount (streamscope's rule). */
  alertThreshold: number;
}

/** The SQL of a job: the window of an event is floor(timestamp / size) * size, as in streamscope. */
export function duckdbTumblingSql(job: DuckdbTumblingJob): string {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const w = Math.trunc(job.windowMs);
  return `COPY (
    SELECT windowStart, windowStart + ${w} AS windowEnd, sensorId,
           count(*) AS count, sum(value) AS sum, avg(value) AS avg, min(value) AS min, max(value) AS max,
           count(*) FILTER (WHERE value > ${Number(job.alertThreshold)}) AS alertCount
    FROM (SELECT sensorId, value, (floor(timestamp / ${w}) * ${w})::BIGINT AS windowStart
          FROM read_json(${q(job.input)}, format = 'newline_delimited',
                         columns = {sensorId: 'VARCHAR', timestamp: 'DOUBLE', value: 'DOUBLE'}))
    GROUP BY windowStart, sensorId
  ) TO ${q(job.output)} (FORMAT json)`;
}

/**
 * Runs a job in DuckDB with `threads=1`. Resolves with the rows written.
 * @throws Error when `@duckdb/node-api` is not installed (message says so) or the query fails.
 */
export async function duckdbTumbling(job: DuckdbTumblingJob): Promise<number> {
  let api: typeof import('@duckdb/node-api');
  try {
    api = await import('@duckdb/node-api');
  } catch (e) {
    throw new Error(`@duckdb/node-api is not installed (npm ci installs it as a devDependency): ${(e as Error).message}`);
  }
  const instance = await api.DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    const result = await connection.run(duckdbTumblingSql(job));
    return Number(result.rowsChanged);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
