/**
 * The pipeline's HTTP endpoint: the metrics server (`/metrics`, `/healthz`, …) when configured,
 * with the running source's own routes (HTTP ingest's `POST /ingest`) mounted on it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineMetrics } from '../metrics/engine-metrics';
import { startMetricsServer } from '../metrics/metrics-server';

/** Starts and stops the metrics server. */
export class MetricsEndpoint {
  private server?: { url: string; port: number; close(): Promise<void> };

  constructor(
    private readonly metrics: EngineMetrics,
    /** Extra routes tried first (the running source's); false or a promise of false = not handled. */
    private readonly extraRoutes: (req: IncomingMessage, res: ServerResponse) => Promise<boolean> | boolean,
  ) {}

  /** Where it listens, once started. */
  get address(): { url: string; port: number } | undefined {
    return this.server === undefined ? undefined : { url: this.server.url, port: this.server.port };
  }

  /** Listens on `config` (nothing when false). @throws Error when the port is in use. */
  async start(config: false | { host: string; port: number }): Promise<void> {
    if (config === false) return;
    this.server = await startMetricsServer({ metrics: this.metrics, host: config.host, port: config.port, extraRoutes: this.extraRoutes });
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
