/** Runs a bench child process and collects its `BENCH_RESULT` line (or explains why there is none). */
import { spawn } from 'node:child_process';
import { RESULT_PREFIX, type ChildResult } from './child-result';

/** Options of {@link runChild}. */
export interface RunChildOptions {
  /** Kill the child after this many ms and report a timeout. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called with each stdout line (progress lines, readiness lines). */
  onLine?: (line: string) => void;
  /** Text written to the child's stdin, then stdin is left open until `closeStdin` is called. */
  stdin?: boolean;
}

/** A started child: its result, and a way to talk to it. */
export interface ChildHandle {
  result: Promise<ChildResult & { wallMs: number; stderrTail: string }>;
  write(text: string): void;
  kill(): void;
}

/**
 * Starts `node ...args`. The result is the child's BENCH_RESULT line, or `{ok:false, error}` naming
 * the exit code/signal (e.g. heap out of memory → SIGABRT) and the tail of its stderr.
 */
export function startChild(args: string[], opts: RunChildOptions): ChildHandle {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  let stdoutBuf = '';
  let stderr = '';
  let parsed: ChildResult | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutBuf += chunk;
    let nl: number;
    while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
      const line = stdoutBuf.slice(0, nl);
      stdoutBuf = stdoutBuf.slice(nl + 1);
      if (line.startsWith(RESULT_PREFIX)) parsed = JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
      else opts.onLine?.(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeoutMs);
  const result = new Promise<ChildResult & { wallMs: number; stderrTail: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const stderrTail = stderr.trim().split('\n').slice(-6).join('\n');
      if (parsed !== undefined) resolve({ ...parsed, wallMs, stderrTail });
      else if (timedOut) resolve({ ok: false, error: `timeout after ${Math.round(opts.timeoutMs / 1000)} s (killed)`, wallMs, stderrTail });
      else {
        const oom = /heap out of memory|Allocation failed/i.test(stderr);
        const why = oom ? 'crashed: JavaScript heap out of memory' : `exited with ${code ?? signal} without a result`;
        resolve({ ok: false, error: why, wallMs, stderrTail });
      }
    });
  });
  return {
    result,
    write: (text) => child.stdin?.write(text),
    kill: () => child.kill('SIGKILL'),
  };
}

/** Starts a child and waits for its result. */
export function runChild(args: string[], opts: RunChildOptions) {
  return startChild(args, opts).result;
}

/** Median of a non-empty list (mean of the two middle values for even lengths). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
