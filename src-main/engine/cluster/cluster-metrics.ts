/**
 * The cluster's view on /metrics (Prometheus), read from a ClusterWorker at scrape time. Labels are
 * bounded: partition (the fixed partition count) and loss reason; never a key.
 */
import type { Registry } from 'prom-client';
import { syncedCounter, syncedGauge } from '../metrics/engine-metrics';
import type { ClusterWorker } from './cluster-worker';

/** Register the cluster metrics of `worker` in `reg`. */
export function registerClusterMetrics(reg: Registry, worker: ClusterWorker): void {
  const stats = () => worker.leaseStats();
  syncedGauge(reg, 'streamscope_cluster_instances', 'Live instances of the cluster (by their lease heartbeats), this one included.', [], (put) =>
    put({}, stats()?.instances ?? 0),
  );
  syncedGauge(reg, 'streamscope_cluster_partitions_owned', 'Partitions this instance owns now.', [], (put) => put({}, worker.owned().length));
  syncedGauge(reg, 'streamscope_cluster_partition_lag_messages', 'Messages of an owned partition not read yet.', ['partition'], (put) =>
    worker.owned().forEach((o) => put({ partition: String(o.partition) }, o.lag)),
  );
  syncedCounter(reg, 'streamscope_cluster_leases_acquired_total', 'Partition leases this instance acquired.', [], (put) => put({}, stats()?.acquired ?? 0));
  syncedCounter(reg, 'streamscope_cluster_leases_taken_over_total', 'Leases acquired after the previous owner let them expire (it died or stalled).', [], (put) =>
    put({}, stats()?.takenOver ?? 0),
  );
  syncedCounter(reg, 'streamscope_cluster_leases_lost_total', 'Leases this instance lost: expired (not renewed in time), revoked (someone else wrote it), released (rebalance, stop).', ['reason'], (put) => {
    const lost = stats()?.lost;
    if (lost) for (const [reason, n] of Object.entries(lost)) put({ reason }, n);
  });
  syncedCounter(reg, 'streamscope_cluster_rebalances_total', 'Changes of the set of live instances this instance saw.', [], (put) => put({}, stats()?.rebalances ?? 0));
  syncedCounter(reg, 'streamscope_cluster_checkpoints_total', 'Partition checkpoints stored in the NATS Object Store, by result.', ['result'], (put) => {
    put({ result: 'ok' }, worker.counts.checkpoints.ok);
    put({ result: 'failed' }, worker.counts.checkpoints.failed);
  });
  syncedCounter(reg, 'streamscope_cluster_dropped_events_total', 'Records of owned partitions not folded in: invalid (dead_letter) or late.', ['reason'], (put) => {
    for (const [reason, n] of Object.entries(worker.counts.dropped)) put({ reason }, n);
  });
}
