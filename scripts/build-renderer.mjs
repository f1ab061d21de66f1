#!/usr/bin/env node
// Builds only the React renderer (src-renderer → out/renderer) with Vite, for the web host. Same
// settings as the `renderer` section of electron.vite.config.ts, without needing Electron or the
// main-process build. Usage: node scripts/build-renderer.mjs [--if-stale]
//   --if-stale: build only when out/renderer is missing or older than src-renderer / src-shared.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const defaultOutDir = resolve(root, 'out/renderer');

/** Newest modification time (ms) of the files under `dir`, recursively; 0 if none. */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** True when `outDir` has no index.html or is older than src-renderer / src-shared. */
export function rendererIsStale(outDir = defaultOutDir) {
  const built = join(outDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return Math.max(newestMtime(join(root, 'src-renderer')), newestMtime(join(root, 'src-shared'))) > builtAt;
}

/** Build the renderer into `outDir` (default out/renderer). Rejects on a build error. */
export async function buildRenderer(outDir = defaultOutDir) {
  const [{ build }, { default: react }] = await Promise.all([import('vite'), import('@vitejs/plugin-react')]);
  await build({
    root: resolve(root, 'src-renderer'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'chrome130',
      minify: false,
      reportCompressedSize: false,
      modulePreload: { polyfill: false },
    },
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !rendererIsStale()) {
    console.log('renderer up to date: out/renderer');
  } else {
    buildRenderer().then(
      () => console.log('renderer built: out/renderer'),
      (err) => {
        console.error(`renderer build failed: ${err?.message ?? err}`);
        process.exit(1);
      },
    );
  }
}
