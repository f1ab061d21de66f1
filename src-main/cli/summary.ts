/** The end-of-run summary printed on stderr by the CLI. */
import type { MetricsSnapshot } from '../../src-shared/types';

/** Writes events read, rejected by reason, late, windows emitted and drops, one line each. */
export function printSummary(m: MetricsSnapshot, out: NodeJS.WritableStream): void {
  const reasons = Object.entries(m.rejectedByReason)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r}=${n}`)
    .join(' ');
  out.write(
    [
      `events read: ${m.eventsReceived + m.eventsRejected}`,
      `events accepted: ${m.eventsReceived}`,
      `rejected: ${m.eventsRejected}${reasons ? ` (${reasons})` : ''}`,
      `late: ${m.lateEvents}`,
      `windows emitted: ${m.windowsEmitted}`,
      `dropped: ${m.eventsDropped}`,
    ].join('\n') + '\n',
  );
}
