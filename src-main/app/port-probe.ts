/** Check whether a TCP port can be bound before handing it to a server that would fail late. */
import { createServer } from 'node:net';

/** True when `host:port` can be bound now (port 0 is always free). Never throws. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
