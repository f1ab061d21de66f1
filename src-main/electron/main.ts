/**
 * The Electron main process: runs the pipeline (through the AppController) and its metrics server,
 * opens one hardened window, answers the contract's IPC, and pushes one frame per ~100 ms.
 *
 * Security (Electron's checklist): contextIsolation, sandbox, no nodeIntegration, a strict CSP
 * (meta tag + session header), a narrow preload API, every IPC handler checks its sender frame and
 * validates its arguments with zod, navigation / new windows / webviews / permissions denied.
 * The file source reads only the data dir and files the user picked in the native open dialog.
 * Electronegativity runs over this folder in the tests (test/electron-security.test.ts).
 */
import { app, BrowserWindow, dialog, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline as pipeStreams } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { IPC, type ChooseInputReply, type CommandReply, type ExportReply } from '../../src-shared/contract';
import { AppController, errorMessage } from '../app/app-controller';
import { createEnginePipeline } from '../app/engine-pipeline';
import { openSnapshot } from '../app/output-snapshot';
import { isTrustedSender } from './ipc-guard';

const here = fileURLToPath(new URL('.', import.meta.url));
const devUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '../renderer/index.html');
const rendererUrl = devUrl ?? pathToFileURL(rendererFile).href;

/** `--data-dir=DIR` or `--data-dir DIR` on the command line; else Electron's userData directory. */
function dataDirArg(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice('--data-dir='.length) : argv[i + 1];
}

const controller = new AppController({
  transport: 'electron',
  dataDir: dataDirArg(process.argv) ?? app.getPath('userData'),
  createPipeline: createEnginePipeline,
  log: (line) => (line.level === 'info' ? console.log : console.warn)(`[${line.level}] ${line.msg}`),
});

const noArgs = z.tuple([]);
const untrusted = 'IPC from an untrusted frame was refused';

/** Wrap an IPC handler: refuse untrusted senders and unexpected arguments, never throw. */
function guard<T>(fail: (error: string) => T, fn: (event: IpcMainInvokeEvent, args: unknown[]) => Promise<T>) {
  return async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<T> => {
    if (!isTrustedSender(event.senderFrame, rendererUrl)) {
      console.warn(`${untrusted}: ${event.senderFrame?.url ?? '(no frame)'}`);
      return fail(untrusted);
    }
    try {
      return await fn(event, args);
    } catch (err) {
      return fail(errorMessage(err));
    }
  };
}

function registerIpc(): void {
  ipcMain.handle(
    IPC.command,
    guard<CommandReply>(
      (error) => ({ ok: false, error }),
      async (_event, args) => {
        // commandSchema validation happens in controller.command (one place for both transports).
        if (args.length !== 1) return { ok: false, error: `expected one command argument, got ${args.length}` };
        return controller.command(args[0]);
      },
    ),
  );
  ipcMain.handle(IPC.status, async (event, ...args: unknown[]) => {
    if (!isTrustedSender(event.senderFrame, rendererUrl)) throw new Error(untrusted);
    noArgs.parse(args);
    return controller.status();
  });
  ipcMain.handle(
    IPC.export,
    guard<ExportReply>(
      (error) => ({ ok: false, error }),
      async (event, args) => {
        noArgs.parse(args);
        const snap = await controller.exportSnapshot();
        const win = BrowserWindow.fromWebContents(event.sender);
        const options = {
          title: 'Export output.jsonl',
          defaultPath: join(app.getPath('downloads'), 'output.jsonl'),
          filters: [{ name: 'JSON Lines', extensions: ['jsonl'] }],
        };
        const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
        if (choice.canceled || !choice.filePath) return { ok: false, error: 'export cancelled' };
        await pipeStreams(openSnapshot(snap), createWriteStream(choice.filePath));
        return { ok: true, fileName: 'output.jsonl', path: choice.filePath, lines: snap.lines };
      },
    ),
  );
  ipcMain.handle(
    IPC.chooseInput,
    guard<ChooseInputReply>(
      (error) => ({ ok: false, error }),
      async (event, args) => {
        noArgs.parse(args);
        const win = BrowserWindow.fromWebContents(event.sender);
        const options = {
          title: 'Choose an input file',
          properties: ['openFile' as const],
          filters: [{ name: 'Events (JSON Lines, JSON, CSV)', extensions: ['jsonl', 'ndjson', 'json', 'csv', 'tsv'] }],
        };
        const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
        const picked = choice.filePaths[0];
        if (choice.canceled || !picked) return { ok: false, error: 'no file chosen' };
        return { ok: true, path: await controller.allowPickedInput(picked) };
      },
    ),
  );
}

function hardenSession(): void {
  // The literal is RENDERER_CSP (app/csp.ts), written out so Electronegativity can parse it;
  // test/electron-security.test.ts checks that the two are equal. Its one "maybe" finding,
  // script-src 'self', is what we want: 'self' is the app's own file:// bundle, which serves no
  // JSONP endpoint and no uploaded files.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { // eng-disable CSP_GLOBAL_CHECK
        ...details.responseHeaders,
        'Content-Security-Policy': [
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ],
      },
    });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'Streamscope',
    webPreferences: {
      // Our own sandboxed preload: a narrow contextBridge API, never ipcRenderer (see preload.ts).
      preload: join(here, '../preload/index.cjs'), // eng-disable PRELOAD_JS_CHECK
      // No middle-click (auxclick) navigation: new windows are denied anyway, this closes the path.
      disableBlinkFeatures: 'Auxclick',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  const unsubscribe = controller.subscribe({
    send: (frame) => win.webContents.send(IPC.frame, frame),
    canSend: () => !win.isDestroyed() && !win.webContents.isDestroyed(),
  });
  win.on('closed', unsubscribe);
  win.once('ready-to-show', () => win.show());
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(rendererFile);
  return win;
}

app.whenReady().then(async () => {
  hardenSession();
  registerIpc();
  try {
    await controller.init();
  } catch (err) {
    dialog.showErrorBox('Streamscope could not start its pipeline', errorMessage(err));
  }
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  event.preventDefault();
  quitting = true;
  void controller.close().finally(() => app.quit());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
