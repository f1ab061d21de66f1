/**
 * Whether the host has gone quiet. The host pushes a frame every ~100 ms while it runs (metrics
 * even when no result is due), so several seconds without one means the connection is lost.
 */

/** Silence (ms) after which the dashboard says the host is unreachable. */
export const STALE_AFTER_MS = 3000;

/** Seconds since the last frame when the host counts as unreachable, else null. */
export function silenceSeconds(lastFrameAt: number, now: number): number | null {
  if (lastFrameAt === 0 || now - lastFrameAt < STALE_AFTER_MS) return null;
  return Math.floor((now - lastFrameAt) / 1000);
}
