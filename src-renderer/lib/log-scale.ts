import { MAX_RATE_EVENTS_PER_SEC } from '../../src-shared/contract';

/**
 * The events/s slider: a linear slider position 0..SLIDER_STEPS mapped onto 1..100,000,000 events/s
 * (far beyond what one engine process sustains, so overload can be asked for) on a log scale, so each decade gets the same travel. Values are integers rounded to 2 significant
 * digits (1, 2, …, 10, 11, …, 990, 1000, 1100, …) so the number shown is a round one; the rounding
 * moves a position by at most 3 steps on the way back (rateToSlider).
 */
export const MIN_RATE = 1;
export const MAX_RATE = MAX_RATE_EVENTS_PER_SEC;
/** Slider resolution: 100 steps per decade. */
export const SLIDER_STEPS = Math.round(100 * Math.log10(MAX_RATE));

const DECADES = Math.log10(MAX_RATE / MIN_RATE);

/** Round a positive value to an integer ≥ 1 with at most `digits` significant digits; ≤ 0 or NaN → 0. */
export function roundSignificant(value: number, digits = 2): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  const magnitude = Math.pow(10, Math.floor(Math.log10(value)) - digits + 1);
  if (magnitude < 1) return Math.max(1, Math.round(value));
  return Math.max(1, Math.round(value / magnitude) * magnitude);
}

/** Slider position (0..SLIDER_STEPS, clamped; NaN → 0) → rate in events/s (1..MAX_RATE). */
export function sliderToRate(position: number): number {
  const p = Number.isFinite(position) ? Math.min(SLIDER_STEPS, Math.max(0, position)) : 0;
  const raw = MIN_RATE * Math.pow(10, (p / SLIDER_STEPS) * DECADES);
  return Math.min(MAX_RATE, Math.max(MIN_RATE, roundSignificant(raw)));
}

/** Rate in events/s (clamped to 1..MAX_RATE; NaN → 1) → nearest slider position (integer). */
export function rateToSlider(rate: number): number {
  const r = Number.isFinite(rate) ? Math.min(MAX_RATE, Math.max(MIN_RATE, rate)) : MIN_RATE;
  return Math.round((Math.log10(r / MIN_RATE) / DECADES) * SLIDER_STEPS);
}

/**
 * The nearest position from `position` in `direction` (+1 right, −1 left) whose rate differs from the
 * current one, so each arrow key press changes the rate shown (several positions share a rounded
 * rate at the low end and around each power of ten). Clamped to 0..SLIDER_STEPS.
 */
export function nextDistinctPosition(position: number, direction: 1 | -1): number {
  const current = sliderToRate(position);
  let p = Math.min(SLIDER_STEPS, Math.max(0, Math.round(position)));
  while (p + direction >= 0 && p + direction <= SLIDER_STEPS) {
    p += direction;
    if (sliderToRate(p) !== current) return p;
  }
  return p;
}
