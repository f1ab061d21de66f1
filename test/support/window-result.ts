/** A window result for tests: tumbling 1 s, count 2, sum 4, min 1, max 3; `over` replaces any field. */
import type { WindowResult } from '../../src-shared/types';

export function windowResult(sensorId: string, windowStart: number, over: Partial<WindowResult> = {}): WindowResult {
  return {
    windowStart,
    windowEnd: windowStart + 1000,
    sensorId,
    count: 2,
    sum: 4,
    avg: 2,
    min: 1,
    max: 3,
    alertCount: 0,
    windowKind: 'tumbling',
    isUpdate: false,
    emittedAt: windowStart + 1000,
    ...over,
  };
}
