/**
 * Debian's Chromium, headless, for the e2e specs; and the one-time renderer build they need
 * (serialised across parallel spec files with a lock directory).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright';
import { ROOT } from './web-host-process';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Launch headless Chromium. Throws with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run apt-get update && apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Build out/renderer if missing or stale; one builder at a time across worker processes. */
export async function ensureRendererBuilt(): Promise<void> {
  const lock = join(ROOT, 'out', '.renderer-build.lock');
  await mkdir(join(ROOT, 'out'), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // Another worker builds; a lock older than 5 minutes is abandoned.
      const st = await stat(lock).catch(() => null);
      if (st && Date.now() - st.mtimeMs > 300_000) await rmdir(lock).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build-renderer.mjs'), '--if-stale'], { cwd: ROOT });
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** Directory for screenshots and downloads kept as CI artifacts. */
export const ARTIFACTS = join(ROOT, 'test-results');
