/**
 * Starts the real web host (`src-main/web-host/main.ts` under tsx) as a child process on port 0
 * with a temporary data dir, for one e2e spec; parses the printed URL (it carries the per-launch
 * token); stops it with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

/** A running web host. */
export interface WebHostProcess {
  url: string;
  origin: string;
  dataDir: string;
  /** output.jsonl of the file sink. */
  outputFile: string;
  /** Everything the host printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Options: a partial pipeline config (JSON) overriding the defaults key by key. */
export interface StartOptions {
  config?: Record<string, unknown>;
  /** Give up waiting for the URL after this long, ms (default 60 s). */
  startTimeoutMs?: number;
  /** Folders the file source may read besides the data dir (`--input-root`). */
  inputRoots?: string[];
  /** Use this data dir (an app restart) instead of a new temporary one; it is then not deleted on stop. */
  dataDir?: string;
}

/** Start a web host; rejects with its output when it exits or prints no URL in time. */
export async function startWebHostProcess(opts: StartOptions = {}): Promise<WebHostProcess> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'streamscope-e2e-')));
  const args = ['--import', 'tsx', join(ROOT, 'src-main/web-host/main.ts'), '--port', '0', '--data-dir', dataDir, '--no-metrics', '--renderer-dir', join(ROOT, 'out/renderer')];
  if (opts.config) {
    const file = join(dataDir, 'config.json');
    await writeFile(file, JSON.stringify(opts.config));
    args.push('--config', file);
  }
  for (const r of opts.inputRoots ?? []) args.push('--input-root', r);
  // No inherited token: the host generates one per launch and prints it in the URL.
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, STREAMSCOPE_TOKEN: '' } });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`web host printed no URL within ${opts.startTimeoutMs ?? 60_000} ms:\n${out}`)), opts.startTimeoutMs ?? 60_000);
    const check = (): void => {
      const m = /Streamscope web host: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web host exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    outputFile: join(dataDir, 'output.jsonl'),
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
