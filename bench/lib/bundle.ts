/**
 * Child processes start from a bundle (esbuild, which tsx ships with) so each start costs ~0.2 s
 * instead of tsx's ~1.5 s: with dozens of child runs per round that is what keeps `--quick` under a
 * minute. Falls back to `node --import tsx file.ts` when esbuild cannot be loaded.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding bench/). */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** How to start one child script: node arguments before the script's own arguments. */
export type Launcher = (script: string) => string[];

/**
 * Bundles `scripts` (paths relative to the repo root) into bench/.cache/*.mjs with packages left
 * external (resolved from the repo's node_modules). Returns a launcher giving node's argv.
 */
export async function prepareLaunchers(scripts: string[]): Promise<{ launcher: Launcher; how: string }> {
  const outdir = join(ROOT, 'bench/.cache');
  mkdirSync(outdir, { recursive: true });
  try {
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    await esbuild.build({
      entryPoints: Object.fromEntries(scripts.map((s) => [basename(s).replace(/\.ts$/, ''), join(ROOT, s)])),
      outdir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'error',
    });
    const map = new Map(scripts.map((s) => [s, join(outdir, `${basename(s).replace(/\.ts$/, '')}.mjs`)]));
    return {
      launcher: (s) => {
        const out = map.get(s);
        if (out === undefined || !existsSync(out)) throw new Error(`no bundle for ${s}`);
        return [out];
      },
      how: 'esbuild bundles in bench/.cache',
    };
  } catch (e) {
    return { launcher: (s) => ['--import', 'tsx', join(ROOT, s)], how: `tsx (esbuild unavailable: ${(e as Error).message})` };
  }
}
