/**
 * The what-if form's draft (strings as typed, seconds for durations) and its conversion to the
 * settings the host validates. Pure functions, testable without React.
 */
import type { WhatIfSettings, WindowKind } from '../../../src-shared/types';

/** The form's fields as typed. Durations in seconds. */
export interface WhatIfDraft {
  kind: WindowKind;
  sizeS: string;
  slideS: string;
  gapS: string;
  threshold: string;
  oooS: string;
  latenessS: string;
}

const s = (ms: number) => String(ms / 1000);

/** The draft showing `settings` (the ones in force when the panel opens). */
export function draftOf(settings: WhatIfSettings): WhatIfDraft {
  const w = settings.window;
  return {
    kind: w.kind,
    sizeS: s(w.kind === 'session' ? 10_000 : w.sizeMs),
    slideS: s(w.kind === 'hopping' ? w.slideMs : w.kind === 'tumbling' ? w.sizeMs / 2 : 5000),
    gapS: s(w.kind === 'session' ? w.gapMs : 5000),
    threshold: String(settings.alertThreshold),
    oooS: s(settings.maxOutOfOrdernessMs),
    latenessS: s(settings.allowedLatenessMs),
  };
}

/** The settings of a draft, or the first field that is wrong (named as the label says). */
export function settingsOf(d: WhatIfDraft): { ok: true; settings: WhatIfSettings } | { ok: false; error: string } {
  const ms = (label: string, text: string, positive: boolean): number | string => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (positive && v <= 0)) return `${label}: enter a number of seconds ${positive ? '> 0' : '≥ 0'}`;
    return Math.round(v * 1000);
  };
  const threshold = Number(d.threshold);
  if (d.threshold.trim() === '' || !Number.isFinite(threshold)) return { ok: false, error: 'Alert threshold: enter a number' };
  const ooo = ms('Max out-of-orderness', d.oooS, false);
  const lateness = ms('Allowed lateness', d.latenessS, false);
  if (typeof ooo === 'string') return { ok: false, error: ooo };
  if (typeof lateness === 'string') return { ok: false, error: lateness };
  const base = { alertThreshold: threshold, maxOutOfOrdernessMs: ooo, allowedLatenessMs: lateness };
  if (d.kind === 'session') {
    const gap = ms('Session gap', d.gapS, true);
    return typeof gap === 'string' ? { ok: false, error: gap } : { ok: true, settings: { window: { kind: 'session', gapMs: gap }, ...base } };
  }
  const size = ms('Window size', d.sizeS, true);
  if (typeof size === 'string') return { ok: false, error: size };
  if (d.kind === 'tumbling') return { ok: true, settings: { window: { kind: 'tumbling', sizeMs: size }, ...base } };
  const slide = ms('Window slide', d.slideS, true);
  if (typeof slide === 'string') return { ok: false, error: slide };
  if (slide > size) return { ok: false, error: `Window slide (${d.slideS} s) must be ≤ window size (${d.sizeS} s)` };
  return { ok: true, settings: { window: { kind: 'hopping', sizeMs: size, slideMs: slide }, ...base } };
}

/** "tumbling 5 s", "hopping 10 s / 2 s", "session gap 30 s", for labels. */
export function describeWindow(settings: WhatIfSettings): string {
  const w = settings.window;
  if (w.kind === 'tumbling') return `tumbling ${w.sizeMs / 1000} s`;
  if (w.kind === 'hopping') return `hopping ${w.sizeMs / 1000} s / ${w.slideMs / 1000} s`;
  return `session gap ${w.gapMs / 1000} s`;
}

/** "last 8.2 M events, 6 min 40 s, 164 MB" from a history summary. */
export function describeHistory(h: { events: number; spanMs: number; bytes: number }): string {
  const events = h.events >= 1e6 ? `${(h.events / 1e6).toFixed(1)} M` : h.events >= 1e3 ? `${(h.events / 1e3).toFixed(1)} k` : String(h.events);
  const totalS = Math.round(h.spanMs / 1000);
  const span = totalS >= 60 ? `${Math.floor(totalS / 60)} min ${totalS % 60} s` : `${(h.spanMs / 1000).toFixed(1)} s`;
  return `last ${events} events, ${span}, ${Math.round(h.bytes / 1e6)} MB`;
}
