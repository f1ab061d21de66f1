/**
 * Entry point of the web host: the same engine as the desktop app, in Node, serving the built
 * renderer and the app contract over WebSocket. Prints the URL; stops cleanly on SIGINT/SIGTERM.
 * Run: `tsx src-main/web-host/main.ts [options]` (see args.ts), usually through `npm start`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppPaths } from '../app/access/app-paths';
import { AppController, errorMessage } from '../app/app-controller';
import { defaultPipelineInput } from '../app/default-config';
import { createEnginePipeline } from '../app/engine-pipeline';
import { checkBindPolicy } from './access-policy';
import { USAGE, parseWebHostArgs } from './args';
import { startWebHost } from './web-host';

/** Bound of a shutdown: past it, sinks that retry give up and dead-letter what is undelivered. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let args;
  try {
    args = parseWebHostArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${errorMessage(err)}\n${USAGE}`);
    process.exit(2);
  }
  const dataDir = resolve(args.dataDir);
  const token = checkBindPolicy(args.host, args.allowRemote, args.token);
  /** Aborted when the shutdown deadline passed or a second signal cut it short. */
  const deadline = new AbortController();
  // A config file overrides the defaults key by key (top level); the engine validates the result.
  const overrides = args.configFile ? (JSON.parse(await readFile(args.configFile, 'utf8')) as Record<string, unknown>) : {};
  const config = { ...defaultPipelineInput({ dataDir, metrics: args.metrics }), ...overrides };
  const controller = new AppController({
    transport: 'web',
    dataDir,
    createPipeline: (input, hooks) => createEnginePipeline(input, hooks, { shutdownSignal: deadline.signal }),
    config,
    metrics: args.metrics,
    access: {
      paths: new AppPaths({ dataDir, inputRoots: args.inputRoots }),
      net: { remote: args.allowRemote, token },
    },
    history: { maxBytes: args.historyMb * 1024 * 1024 },
    checkpoints: args.checkpoints,
    log: (line) => (line.level === 'info' ? console.log : console.warn)(`[${line.level}] ${line.msg}`),
  });
  await controller.init();
  const host = await startWebHost({
    controller,
    rendererDir: resolve(args.rendererDir),
    host: args.host,
    port: args.port,
    allowRemote: args.allowRemote,
    token,
  });
  const status = controller.status();
  console.log(`Streamscope web host: ${host.url}`);
  if (status.metricsUrl) console.log(`Prometheus metrics: ${status.metricsUrl}`);
  console.log(`Data dir: ${dataDir} (output.jsonl${status.checkpoints ? ', checkpoints/' : ''})`);
  if (args.inputRoots.length > 0) console.log(`Input files from: ${dataDir}, ${args.inputRoots.map((r) => resolve(r)).join(', ')}`);

  let signals = 0;
  const stop = (signal: string): void => {
    signals += 1;
    if (signals > 1) {
      console.log(`${signal} again: giving up on deliveries; writing what is undelivered to the dead-letter files…`);
      deadline.abort();
      return;
    }
    console.log(`${signal}: stopping (flushing sinks, at most ${SHUTDOWN_TIMEOUT_MS / 1000} s; again to cut it short)…`);
    setTimeout(() => deadline.abort(), SHUTDOWN_TIMEOUT_MS).unref();
    void Promise.all([host.close(), controller.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`streamscope web host: ${errorMessage(err)}`);
  if (process.env.STREAMSCOPE_DEBUG) console.error(err);
  process.exit(1);
});
