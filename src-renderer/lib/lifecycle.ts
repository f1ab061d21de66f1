/**
 * The Start/Stop pair as data: which one may be used in a lifecycle state, and which one takes the
 * keyboard focus after a command (the one that now makes sense: Stop after Start, Start after Stop).
 */
import type { AppState } from '../../src-shared/contract';

/** Whether Start and Stop are usable; `connected` false (host silent) disables both. */
export function lifecycleActions(state: AppState | undefined, connected: boolean): { canStart: boolean; canStop: boolean } {
  const running = state === 'running' || state === 'paused';
  return {
    canStart: connected && !running && state !== 'stopping',
    canStop: connected && running,
  };
}

/** The button that takes the focus after `command` went through. */
export function focusAfter(command: 'start' | 'stop'): 'start' | 'stop' {
  return command === 'start' ? 'stop' : 'start';
}
