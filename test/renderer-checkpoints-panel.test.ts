/** The Checkpoints panel: what it shows of the host's checkpoint status, and its button. */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CheckpointsView, type CheckpointsViewProps } from '../src-renderer/components/CheckpointsPanel';
import { formatBytes, resumedText } from '../src-renderer/lib/checkpoint-view';
import type { CheckpointStatus } from '../src-shared/contract';

/** 2026-01-02 13:04:05 local time. */
const TAKEN = new Date(2026, 0, 2, 13, 4, 5, 678).getTime();

const status = (over: Partial<CheckpointStatus> = {}): CheckpointStatus => ({
  dir: '/data/checkpoints', intervalMs: 10_000, completed: 7, failed: 1,
  last: { epoch: 9, takenAtMs: TAKEN, durationMs: 42, bytes: 3 * 1024 * 1024 + 200 * 1024 }, ...over,
});

const render = (props: Partial<CheckpointsViewProps>) =>
  renderToStaticMarkup(createElement(CheckpointsView, { checkpoints: status(), busy: false, canCheckpoint: true, onCheckpointNow: () => {}, ...props }));

/** The text of the element carrying `data-testid="id"`. */
function byTestId(html: string, id: string): string | undefined {
  return new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

describe('Checkpoints panel', () => {
  it('shows the last completed checkpoint (time, duration, size) and the counts', () => {
    const html = render({});
    expect(byTestId(html, 'checkpoint-last-completed')).toBe('#9 at 13:04:05');
    expect(byTestId(html, 'checkpoint-duration')).toBe('42 ms');
    expect(byTestId(html, 'checkpoint-size')).toBe('3.2 MiB');
    expect(byTestId(html, 'checkpoint-completed')).toBe('7');
    expect(byTestId(html, 'checkpoint-failed')).toBe('1');
    expect(html).not.toContain('Resumed from');
  });

  it('has a real, enabled "Checkpoint now" button (keyboard-reachable), disabled while busy or not running', () => {
    expect(render({})).toMatch(/<button type="button"[^>]*>Checkpoint now<\/button>/);
    expect(render({})).not.toMatch(/<button[^>]*disabled/);
    expect(render({ busy: true })).toMatch(/<button[^>]*disabled=""[^>]*>Checkpointing…<\/button>/);
    expect(render({ canCheckpoint: false })).toMatch(/<button[^>]*disabled=""/);
  });

  it('says which checkpoint a restarted run resumed, with the time it was taken', () => {
    const html = render({ checkpoints: status({ resumedFrom: { epoch: 4, takenAtMs: TAKEN } }) });
    expect(byTestId(html, 'checkpoint-resumed')).toBe('Resumed from checkpoint 4 (taken 13:04:05)');
    expect(resumedText(status())).toBeNull();
  });

  it('before the first checkpoint and with checkpoints off', () => {
    expect(byTestId(render({ checkpoints: status({ last: undefined, completed: 0, failed: 0 }) }), 'checkpoint-last-completed')).toBe('none yet');
    const off = render({ checkpoints: undefined });
    expect(off).toContain('--no-checkpoints');
    expect(off).not.toContain('<button');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
});
