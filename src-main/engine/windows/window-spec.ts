/**
 * Window specs as users write them on the command line and in config files:
 * `tumbling:5s`, `hopping:10s:2s` (size, slide), `session:30s` (gap).
 */
import { windowSpecSchema } from '../../../src-shared/contract';
import type { WindowSpec } from '../../../src-shared/types';
import { formatDuration, parseDuration } from '../time/duration';

const FORMS = 'expected tumbling:SIZE, hopping:SIZE:SLIDE or session:GAP, e.g. tumbling:5s, hopping:10s:2s, session:30s';

/**
 * Parses `kind:duration[:duration]` into a WindowSpec.
 * @throws Error naming the text and the accepted forms.
 */
export function parseWindowSpec(text: string): WindowSpec {
  const [kind, ...parts] = text.trim().split(':');
  const durations = parts.map((p) => {
    try {
      return parseDuration(p);
    } catch (e) {
      throw new Error(`invalid window "${text}": ${(e as Error).message}`);
    }
  });
  let spec: unknown;
  if (kind === 'tumbling' && durations.length === 1) spec = { kind, sizeMs: durations[0] };
  else if (kind === 'hopping' && durations.length === 2) spec = { kind, sizeMs: durations[0], slideMs: durations[1] };
  else if (kind === 'session' && durations.length === 1) spec = { kind, gapMs: durations[0] };
  else throw new Error(`invalid window "${text}": ${FORMS}`);
  const parsed = windowSpecSchema.safeParse(spec);
  if (!parsed.success) throw new Error(`invalid window "${text}": ${parsed.error.issues[0].message}`);
  return parsed.data;
}

/** The inverse of parseWindowSpec, for logs and the UI: `tumbling:5s`. */
export function formatWindowSpec(w: WindowSpec): string {
  if (w.kind === 'tumbling') return `tumbling:${formatDuration(w.sizeMs)}`;
  if (w.kind === 'hopping') return `hopping:${formatDuration(w.sizeMs)}:${formatDuration(w.slideMs)}`;
  return `session:${formatDuration(w.gapMs)}`;
}
