/**
 * Entry point of the web host: the same engine as the desktop app, in Node, serving the built
 * renderer and the app contract over WebSocket. Prints the URL; stops cleanly on SIGINT/SIGTERM.
 * Run: `tsx src-main/web-host/main.ts [options]` (see args.ts), usually through `npm start`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { AppController, errorMessage } from '../app/app-controller';
import { defaultPipelineInput } from '../app/default-config';
import { createEnginePipeline } from '../app/engine-pipeline';
import { USAGE, parseWebHostArgs } from './args';
import { startWebHost } from './web-host';

async function main(): Promise<void> {
  let args;
  try {
    args = parseWebHostArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${errorMessage(err)}\n${USAGE}`);
    process.exit(2);
  }
  const dataDir = resolve(args.dataDir);
  // A config file overrides the defaults key by key (top level); the engine validates the result.
  const overrides = args.configFile ? (JSON.parse(await readFile(args.configFile, 'utf8')) as Record<string, unknown>) : {};
  const config = { ...defaultPipelineInput({ dataDir, metrics: args.metrics }), ...overrides };
  const controller = new AppController({
    transport: 'web',
    dataDir,
    createPipeline: createEnginePipeline,
    config,
    metrics: args.metrics,
    history: { maxBytes: args.historyMb * 1024 * 1024 },
    log: (line) => (line.level === 'info' ? console.log : console.warn)(`[${line.level}] ${line.msg}`),
  });
  await controller.init();
  const host = await startWebHost({
    controller,
    rendererDir: resolve(args.rendererDir),
    host: args.host,
    port: args.port,
    allowRemote: args.allowRemote,
    token: args.token,
  });
  const status = controller.status();
  console.log(`Streamscope web host: ${host.url}`);
  if (status.metricsUrl) console.log(`Prometheus metrics: ${status.metricsUrl}`);
  console.log(`Data dir: ${dataDir} (output.jsonl)`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (flushing sinks)…`);
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
