/**
 * The real Electron window through Playwright's `_electron`: runs only where the Electron binary
 * exists (the optional dependency downloaded it) and out/main was built (`npm run build`);
 * otherwise it is skipped, and the skipped test's title says why.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/web-host-process';

/** The Electron binary, or the reason there is none. */
function electronBinary(): { path: string | null; reason: string } {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('electron');
  } catch {
    return { path: null, reason: 'the optional dependency "electron" is not installed' };
  }
  try {
    const p = require('electron') as unknown;
    if (typeof p === 'string' && existsSync(p)) {
      if (!existsSync(join(ROOT, 'out/main'))) return { path: null, reason: 'out/main is missing (run npm run build first)' };
      return { path: p, reason: '' };
    }
  } catch {
    /* fall through */
  }
  return { path: null, reason: 'the Electron binary was not downloaded' };
}

const electron = electronBinary();

describe('electron window', () => {
  if (electron.path === null) {
    it.skip(`needs the Electron binary (skipped: ${electron.reason}; the web host specs cover the renderer)`, () => {});
    return;
  }

  describe('with the Electron binary', () => {
    let appHandle: ElectronApplication;
    let dataDir: string;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'streamscope-electron-'));
      appHandle = await _electron.launch({ executablePath: electron.path!, args: [ROOT, `--data-dir=${dataDir}`] });
    });
    afterAll(async () => {
      await appHandle?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('opens a hardened window with the narrow preload API and live frames', async () => {
      const page = await appHandle.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      expect(await page.title()).toBe('Streamscope');
      const probe = await page.evaluate(() => ({
        transport: window.streamscope?.transport,
        keys: Object.keys(window.streamscope ?? {}).sort(),
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(probe).toEqual({ transport: 'electron', keys: ['exportOutput', 'getStatus', 'onFrame', 'send', 'transport'], require: 'undefined', process: 'undefined' });
      const prefs = await appHandle.evaluate(({ BrowserWindow }) => {
        const w = BrowserWindow.getAllWindows()[0];
        // Not in Electron's type declarations, but present at run time: what the window really got.
        const wc = w.webContents as typeof w.webContents & {
          getLastWebPreferences?: () => { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean } | null;
        };
        const p = wc.getLastWebPreferences?.() ?? {};
        return { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration };
      });
      expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
      await expect.poll(() => page.getByTestId('pipeline-state').textContent(), { timeout: 30_000 }).toBe('running');
      const reply = await page.evaluate(() => window.streamscope!.send({ type: 'setRate', rateEventsPerSec: 0 } as never));
      expect(reply.ok).toBe(false);
      await page.screenshot({ path: join(ROOT, 'test-results', 'electron-window.png') });
    });

    it('denies new windows and navigation', async () => {
      const page = await appHandle.firstWindow();
      const before = appHandle.windows().length;
      await page.evaluate(() => window.open('https://example.com'));
      await page.evaluate(() => {
        window.location.href = 'https://example.com';
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(appHandle.windows().length).toBe(before);
      expect(page.url()).toMatch(/^file:|^http:\/\/localhost/);
    });

    it('exports output.jsonl through the save dialog', async () => {
      const target = join(dataDir, 'exported.jsonl');
      await appHandle.evaluate(({ dialog }, filePath) => {
        dialog.showSaveDialog = (async () => ({ canceled: false, filePath })) as typeof dialog.showSaveDialog;
      }, target);
      const page = await appHandle.firstWindow();
      await expect.poll(async () => (await readFile(join(dataDir, 'output.jsonl'), 'utf8').catch(() => '')).length, { timeout: 60_000 }).toBeGreaterThan(0);
      const reply = await page.evaluate(() => window.streamscope!.exportOutput());
      expect(reply).toMatchObject({ ok: true, fileName: 'output.jsonl', path: target });
      const exported = await readFile(target, 'utf8');
      // The export is the complete lines of output.jsonl at that moment: a prefix of the file,
      // which only grows, ending at a line end; every line is a window result of the sim source.
      const output = await readFile(join(dataDir, 'output.jsonl'), 'utf8');
      expect(exported.length).toBeGreaterThan(0);
      expect(exported.endsWith('\n')).toBe(true);
      expect(output.startsWith(exported)).toBe(true);
      const results = exported.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sensorId: string; count: number; windowStart: number; windowEnd: number });
      for (const r of results) {
        expect(r.sensorId).toMatch(/^sensor-\d+$/);
        expect(r.count).toBeGreaterThan(0);
        expect(r.windowEnd).toBeGreaterThan(r.windowStart);
      }
      expect(reply.ok && reply.lines).toBe(results.length);
    });
  });
});
