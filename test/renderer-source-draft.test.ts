/**
 * The source form's draft (bug: choosing "file" and typing a path, then changing the alert threshold
 * or window size, threw the form away: every host status re-seeded the draft from the host's source).
 */
import { describe, expect, it } from 'vitest';
import {
  editSourceDraft,
  followHostSource,
  initialSourceDraft,
  settleSourceDraft,
  sourceKey,
  type HostSource,
} from '../src-renderer/lib/source-settings';

const sim = (): HostSource => ({ type: 'sim', sensors: 10, rateEventsPerSec: 1000, jitterMs: 1200, malformedRate: 0.001 });

describe('source draft', () => {
  it('keys a source by value, whatever the key order', () => {
    expect(sourceKey({ type: 'file', path: '/a', mapping: { key: 'k', time: 't' } })).toBe(
      sourceKey({ mapping: { time: 't', key: 'k' }, path: '/a', type: 'file' } as HostSource),
    );
    expect(sourceKey(sim())).not.toBe(sourceKey({ ...sim(), rateEventsPerSec: 2000 }));
    expect(sourceKey(undefined)).toBe('');
  });

  it('keeps a typed file form when statuses with an equal source arrive (threshold, window changes)', () => {
    let draft = initialSourceDraft(sim());
    expect(draft.type).toBe('sim');
    draft = editSourceDraft(draft, { type: 'file' });
    draft = editSourceDraft(draft, { settings: { path: '/data/seattle.csv' } });
    draft = editSourceDraft(draft, { settings: { fileKey: '=seattle', fileTime: 'date', fileValue: 'temperature' } });
    // each status is a new object with the same source
    for (let i = 0; i < 3; i++) {
      const next = followHostSource(draft, sim());
      expect(next).toBe(draft);
    }
    expect(draft.type).toBe('file');
    expect(draft.settings).toMatchObject({ path: '/data/seattle.csv', fileKey: '=seattle', fileTime: 'date', fileValue: 'temperature' });
  });

  it('keeps unapplied edits even when the host source changes (a rate change of the sim source)', () => {
    const draft = editSourceDraft(initialSourceDraft(sim()), { type: 'file', settings: { path: '/x.jsonl' } });
    const next = followHostSource(draft, { ...sim(), rateEventsPerSec: 5000 });
    expect(next.type).toBe('file');
    expect(next.settings.path).toBe('/x.jsonl');
    expect(next.dirty).toBe(true);
  });

  it('follows a host source that changed by value while the form is clean', () => {
    const draft = initialSourceDraft(sim());
    const file: HostSource = { type: 'file', path: '/d.csv', mapping: { key: '=k', time: 'date', value: 'v' }, speed: 60 };
    const next = followHostSource(draft, file);
    expect(next.type).toBe('file');
    expect(next.settings).toMatchObject({ path: '/d.csv', fileKey: '=k', fileTime: 'date', fileValue: 'v', fileSpeed: '60' });
    expect(next.dirty).toBe(false);
  });

  it('after an applied setSource follows the host again; after a refused one keeps the fields to fix', () => {
    const typed = editSourceDraft(initialSourceDraft(sim()), { type: 'file', settings: { path: '/missing.csv' } });
    const refused = settleSourceDraft(typed, false, sim());
    expect(refused).toBe(typed);
    const applied = settleSourceDraft(typed, true, sim());
    expect(applied.dirty).toBe(false);
    const moved = followHostSource(applied, { type: 'file', path: '/other.csv' });
    expect(moved.settings.path).toBe('/other.csv');
    // a source without settings that the host refused: show the host's source again
    const system = editSourceDraft(initialSourceDraft(sim()), { type: 'system' });
    expect(settleSourceDraft(system, false, sim()).type).toBe('sim');
  });
});
