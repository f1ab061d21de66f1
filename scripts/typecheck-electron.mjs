#!/usr/bin/env node
// Type-checks the Electron shell (src-main/electron: main, preload) with tsconfig.electron.json.
// It needs the `electron` package's types. `npm ci` leaves the optional dependency out where its
// binary cannot be downloaded; then this prints how to get the types, and fails only under CI
// (CI=true), where .ci/run installs them, so a broken desktop shell never lands unchecked.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  const how = 'npm install --no-save --ignore-scripts electron@38';
  if (process.env.CI === 'true') {
    console.error(`typecheck: the Electron shell cannot be checked: electron's types are missing (${how})`);
    process.exit(1);
  }
  console.warn(`typecheck: Electron shell skipped: electron's types are not installed (get them with: ${how})`);
  process.exit(0);
}
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.electron.json'), '--noEmit'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
