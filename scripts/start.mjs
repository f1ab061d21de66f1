#!/usr/bin/env node
// `npm start`: opens the desktop window where the Electron binary is installed; otherwise (or with
// --web) starts the web host: builds the renderer if out/renderer is missing or older than its
// sources, then runs the engine in Node and serves the dashboard on http://127.0.0.1:7070/.
// Every other argument is passed on (web host: --port, --host, --data-dir, --allow-remote, --token, --input-root,
// --metrics-port, --no-metrics, --config; Electron: --data-dir).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const require = createRequire(import.meta.url);

/** Path of the Electron binary, or null with the reason it is unusable. */
function findElectron() {
  try {
    require.resolve('electron');
  } catch {
    return { path: null, reason: 'the optional dependency "electron" is not installed' };
  }
  try {
    const path = require('electron');
    if (typeof path === 'string' && existsSync(path)) return { path, reason: '' };
    return { path: null, reason: 'the Electron binary was not downloaded' };
  } catch (err) {
    // electron's index.js throws when its postinstall never wrote path.txt: the download did not
    // run (npm 11 holds install scripts until approved) or failed (no network).
    if (!existsSync(join(dirname(require.resolve('electron')), 'path.txt'))) {
      return { path: null, reason: 'the Electron binary was not downloaded (its install script did not run or failed)' };
    }
    return { path: null, reason: `the Electron binary is unusable (${err?.message ?? err})` };
  }
}

function run(cmd, args, env = process.env) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`))));
  });
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`usage: npm start [-- --web] [web host options]
  Opens the desktop window where the Electron binary is installed; otherwise, or with --web, starts
  the web host (the same engine and dashboard in a browser) and prints its URL.
  Web host options: --host 127.0.0.1 --port 7070 --data-dir ./.streamscope-data --metrics-port 9090
  --no-metrics --config FILE --allow-remote --token TOKEN (or STREAMSCOPE_TOKEN; default: a new one
  per launch, printed in the URL) --input-root DIR (folders the file source may read; repeatable)
  Electron options: --data-dir DIR`);
  process.exit(0);
}
const forceWeb = argv.includes('--web');
const passArgs = argv.filter((a) => a !== '--web');
const electron = forceWeb ? { path: null, reason: '--web was given' } : findElectron();

if (electron.path) {
  console.log('Streamscope: building the desktop app (electron-vite)…');
  await run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
  const child = spawn(electron.path, [root, ...passArgs], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Streamscope: starting the web host (${electron.reason}).`);
  const { buildRenderer, rendererIsStale } = await import('./build-renderer.mjs');
  if (rendererIsStale()) {
    console.log('Building the renderer (out/renderer)…');
    await buildRenderer();
  }
  process.argv = [process.argv[0], join(root, 'src-main/web-host/main.ts'), ...passArgs];
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/web-host/main.ts');
}
