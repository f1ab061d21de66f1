/**
 * The app's authority (issue 10): every escape attempt through the control channel, against the
 * real engine pipeline, on real files, symlinks and sockets. Each attempt must be refused with a
 * clear reply, and leave nothing behind outside the data dir.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AppPaths } from '../src-main/app/access/app-paths';
import { AppController } from '../src-main/app/app-controller';
import { createEnginePipeline, type EngineConfig } from '../src-main/app/engine-pipeline';
import type { Frame } from '../src-shared/contract';

const SECRET = 'test-secret-0123456789abcdef';
let root: string;
let dataDir: string;
let inputRoot: string;
let outside: string;
let controller: AppController<EngineConfig>;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'streamscope-access-'));
  dataDir = join(root, 'data');
  inputRoot = join(root, 'inputs');
  outside = join(root, 'outside');
  await mkdir(inputRoot, { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'secret.txt'), 'top secret line\n');
  controller = new AppController<EngineConfig>({
    transport: 'web',
    dataDir,
    metrics: false,
    frameIntervalMs: 20,
    createPipeline: createEnginePipeline,
    access: { paths: new AppPaths({ dataDir, inputRoots: [inputRoot] }), net: { remote: false, token: SECRET } },
  });
  await controller.init();
});
afterEach(async () => {
  await controller.close();
  await rm(root, { recursive: true, force: true });
});

describe('input files', () => {
  it('refuses a file outside the data dir and the input roots; nothing of it reaches frames or dead letters', async () => {
    const frames: Frame[] = [];
    controller.subscribe({ send: (f) => frames.push(f) });
    const reply = await controller.command({ type: 'setSource', source: { type: 'file', path: join(outside, 'secret.txt') } });
    expect(!reply.ok && reply.error).toMatch(/outside the places the app may read/);
    expect(controller.status().config.source.type).toBe('sim');
    await new Promise((r) => setTimeout(r, 100));
    expect(JSON.stringify(frames)).not.toContain('top secret');
  });

  it('refuses a symlink inside an input root that leads out of it', async () => {
    await symlink(join(outside, 'secret.txt'), join(inputRoot, 'link.jsonl'));
    const reply = await controller.command({ type: 'setSource', source: { type: 'file', path: join(inputRoot, 'link.jsonl') } });
    expect(!reply.ok && reply.error).toMatch(/outside/);
    await symlink(outside, join(dataDir, 'dirlink'));
    const viaDir = await controller.command({ type: 'setSource', source: { type: 'file', path: join(dataDir, 'dirlink', 'secret.txt') } });
    expect(!viaDir.ok && viaDir.error).toMatch(/outside/);
    const dotdot = await controller.command({ type: 'setSource', source: { type: 'file', path: '../outside/secret.txt' } });
    expect(!dotdot.ok && dotdot.error).toMatch(/outside/);
  });

  it('reads a file from an input root given at start', async () => {
    await writeFile(join(inputRoot, 'ok.jsonl'), `{"sensorId":"root-ok","timestamp":1000,"value":1}\n`);
    const frames: Frame[] = [];
    controller.subscribe({ send: (f) => frames.push(f) });
    const reply = await controller.command({ type: 'setSource', source: { type: 'file', path: join(inputRoot, 'ok.jsonl') } });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    await vi.waitFor(() => expect(frames.flatMap((f) => f.results).some((r) => r.sensorId === 'root-ok')).toBe(true), { timeout: 20_000 });
  }, 30_000);
});

describe('output files', () => {
  it('refuses a file sink outside the data dir, through .., or through a symlink, and creates nothing there', async () => {
    for (const path of [join(outside, 'new', 'out.jsonl'), '../outside/out.jsonl', join(dataDir, '..', 'outside', 'x.jsonl')]) {
      const reply = await controller.command({ type: 'setSink', sink: 'file', enabled: true, options: { path } });
      expect(!reply.ok && reply.error, path).toMatch(/only inside its data dir/);
    }
    await symlink(outside, join(dataDir, 'escape'));
    const viaLink = await controller.command({ type: 'setSink', sink: 'file', enabled: true, options: { path: 'escape/out.jsonl' } });
    expect(!viaLink.ok && viaLink.error).toMatch(/symlink/);
    await symlink(join(outside, 'secret.txt'), join(dataDir, 'link.jsonl'));
    const fileLink = await controller.command({ type: 'setSink', sink: 'file', enabled: true, options: { path: 'link.jsonl' } });
    expect(!fileLink.ok && fileLink.error).toMatch(/symlink/);
    expect(existsSync(join(outside, 'new'))).toBe(false);
    expect(existsSync(join(outside, 'out.jsonl'))).toBe(false);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('top secret line\n');
  });

  it('never truncates: a file sink asked for append:false still appends', async () => {
    await writeFile(join(dataDir, 'mine.jsonl'), 'kept\n');
    const reply = await controller.command({ type: 'setSink', sink: 'file', enabled: true, options: { path: 'mine.jsonl', append: false } });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    await controller.command({ type: 'stop' });
    expect((await readFile(join(dataDir, 'mine.jsonl'), 'utf8')).startsWith('kept\n')).toBe(true);
  });

  it('exports only its own output: a disabled sink pointed at a system file is refused, export stays the data dir', async () => {
    const reply = await controller.command({ type: 'setSink', sink: 'file', enabled: false, options: { path: join(outside, 'secret.txt') } });
    expect(reply.ok).toBe(false);
    expect(controller.outputFile()).toBe(join(dataDir, 'output.jsonl'));
  });

  it('keeps webhook dead letters in the data dir whatever the command names', async () => {
    const reply = await controller.command({ type: 'setSink', sink: 'webhook', enabled: true, options: { url: 'http://127.0.0.1:9/x', deadLetterPath: join(outside, 'dl.jsonl') } });
    expect(!reply.ok && reply.error).toMatch(/only inside its data dir/);
  });
});

describe('websocket sink', () => {
  it('refuses a non-loopback host when the app was not started for remote access', async () => {
    const reply = await controller.command({ type: 'setSink', sink: 'websocket', enabled: true, options: { host: '0.0.0.0', port: 0 } });
    expect(!reply.ok && reply.error).toMatch(/beyond loopback.*--allow-remote/);
  });

  it('requires the secret and refuses foreign origins', async () => {
    const reply = await controller.command({ type: 'setSink', sink: 'websocket', enabled: true, options: { host: '127.0.0.1', port: 0 } });
    expect(reply.ok, JSON.stringify(reply)).toBe(true);
    expect(JSON.stringify(reply)).not.toContain(SECRET);
    // Port 0: ask the running sink for the port it got (the pipeline keeps its sinks private).
    const sink = (controller as unknown as { pipeline: { sinks: { stages: Array<{ sink: { ready?(): Promise<{ url: string }> } }> } } }).pipeline.sinks.stages
      .map((stage) => stage.sink)
      .find((s) => typeof s.ready === 'function') as { ready(): Promise<{ url: string }> };
    const { url } = await sink.ready();
    const status = (opts: WebSocket.ClientOptions, u = url) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(u, opts);
        ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => resolve(-1));
      });
    expect(await status({})).toBe(401);
    expect(await status({ headers: { Authorization: 'Bearer wrong' } })).toBe(401);
    expect(await status({ origin: 'http://evil.example', headers: { Authorization: `Bearer ${SECRET}` } })).toBe(403);
    expect(await status({ headers: { Authorization: `Bearer ${SECRET}` } })).toBe(101);
    expect(await status({}, `${url}?token=${SECRET}`)).toBe(101);
  }, 20_000);
});
