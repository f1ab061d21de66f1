#!/usr/bin/env node
// Entry point of the `streamscope` command. Runs a bundle of the TypeScript CLI (out/cli), rebuilt
// with esbuild when any source is newer, so a replay does not pay for on-the-fly compilation;
// falls back to tsx's loader if the bundle cannot be built.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out', 'cli', 'streamscope.mjs');

/** Newest modification time (ms) of the files under the given folders. */
function newestSource(dirs) {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

async function ensureBundle() {
  const sources = ['src-main/cli', 'src-main/engine', 'src-shared'].map((d) => join(root, d));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(sources)) return true;
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [join(root, 'src-main', 'cli', 'main.ts')],
      outdir: dirname(bundle),
      entryNames: 'streamscope',
      splitting: true,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'silent',
    });
    return true;
  } catch {
    return false;
  }
}

if (await ensureBundle()) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src-main/cli/main.ts');
}
