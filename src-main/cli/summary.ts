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
      ...m.sinks.filter((x) => x.droppedResults > 0 || x.errors > 0).map(
        (x) => `sink ${x.name}: ${x.sentResults} results sent, ${x.droppedResults} dropped by its queue, ${x.errors} failed`,
      ),
    ].join('\n') + '\n',
  );
}
