import { describe, expect, it } from 'vitest';
import { describeHistory, draftOf, settingsOf } from '../src-renderer/components/whatif/whatif-form';

describe('what-if form', () => {
  it('round-trips the settings in force and converts seconds to ms', () => {
    const s = { window: { kind: 'hopping' as const, sizeMs: 10_000, slideMs: 2500 }, alertThreshold: 80, maxOutOfOrdernessMs: 1000, allowedLatenessMs: 0 };
    expect(settingsOf(draftOf(s))).toEqual({ ok: true, settings: s });
    expect(settingsOf({ ...draftOf(s), kind: 'session', gapS: '0.5' })).toEqual({ ok: true, settings: { ...s, window: { kind: 'session', gapMs: 500 } } });
  });

  it('names the wrong field', () => {
    const d = draftOf({ window: { kind: 'tumbling', sizeMs: 5000 }, alertThreshold: 80, maxOutOfOrdernessMs: 0, allowedLatenessMs: 0 });
    expect(settingsOf({ ...d, sizeS: '0' })).toEqual({ ok: false, error: 'Window size: enter a number of seconds > 0' });
    expect(settingsOf({ ...d, kind: 'hopping', sizeS: '5', slideS: '6' })).toMatchObject({ ok: false, error: /slide \(6 s\) must be ≤ window size \(5 s\)/ });
    expect(settingsOf({ ...d, threshold: '' })).toEqual({ ok: false, error: 'Alert threshold: enter a number' });
    expect(settingsOf({ ...d, latenessS: '-1' })).toEqual({ ok: false, error: 'Allowed lateness: enter a number of seconds ≥ 0' });
  });

  it('describes the history as the issue shows it', () => {
    expect(describeHistory({ events: 8_200_000, spanMs: 400_000, bytes: 164_000_000 })).toBe('last 8.2 M events, 6 min 40 s, 164 MB');
    expect(describeHistory({ events: 950, spanMs: 2500, bytes: 1_310_720 })).toBe('last 950 events, 2.5 s, 1 MB');
  });
});
