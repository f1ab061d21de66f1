/**
 * A lease-manager instance in its own process, for fault tests with real signals. Argv: bucket,
 * instance id, partitions, lease TTL ms. Writes JSON lines to stdout: {ev:'acquired'|'lost', p, ...}
 * and, every 20 ms, {ev:'emit', p, token, t: Date.now()} for each partition it may emit for — the
 * fence a real instance checks before each emit.
 */
import { connect } from '@nats-io/transport-node';
import { LeaseManager, openLeaseBucket } from '../../src-main/engine/cluster/lease-manager';

const [bucket, instanceId, partitions, ttl] = process.argv.slice(2);
const nc = await connect({ servers: '127.0.0.1:4222', maxReconnectAttempts: -1 });
const kv = await openLeaseBucket(nc, bucket, Number(ttl));
const m = new LeaseManager({ kv, instanceId, partitions: Number(partitions), leaseTtlMs: Number(ttl) });
const line = (o: object) => process.stdout.write(`${JSON.stringify({ ...o, t: Date.now() })}\n`);
m.on('acquired', (p, token) => line({ ev: 'acquired', p, token }));
m.on('lost', (p, reason) => line({ ev: 'lost', p, reason }));
setInterval(() => {
  for (let p = 0; p < Number(partitions); p++) {
    const token = m.token(p);
    if (token !== undefined) line({ ev: 'emit', p, token });
  }
}, 20);
m.start();
process.on('SIGTERM', () => void m.stop().then(() => nc.close()).then(() => process.exit(0)));
