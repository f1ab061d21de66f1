import { describe, expect, it } from 'vitest';
import { focusAfter, lifecycleActions } from '../src-renderer/lib/lifecycle';

describe('Start/Stop', () => {
  it('offers Start when stopped and Stop when running; neither while disconnected', () => {
    expect(lifecycleActions('running', true)).toEqual({ canStart: false, canStop: true });
    expect(lifecycleActions('paused', true)).toEqual({ canStart: false, canStop: true });
    expect(lifecycleActions('stopping', true)).toEqual({ canStart: false, canStop: false });
    expect(lifecycleActions('stopped', true)).toEqual({ canStart: true, canStop: false });
    expect(lifecycleActions('idle', true)).toEqual({ canStart: true, canStop: false });
    expect(lifecycleActions('running', false)).toEqual({ canStart: false, canStop: false });
  });

  it('moves the focus to the counterpart after a command', () => {
    expect(focusAfter('stop')).toBe('start');
    expect(focusAfter('start')).toBe('stop');
  });
});
