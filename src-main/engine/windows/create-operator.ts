/** Picks the window operator for a window spec. */
import { SessionWindowOperator } from './session-window-operator';
import { SlicedWindowOperator } from './sliced-window-operator';
import type { WindowOperator, WindowOperatorOptions } from './window-operator';

/** Builds the operator for `opts.window`: sliced (tumbling, hopping) or session. */
export function createWindowOperator(opts: WindowOperatorOptions): WindowOperator {
  return opts.window.kind === 'session' ? new SessionWindowOperator(opts) : new SlicedWindowOperator(opts);
}
