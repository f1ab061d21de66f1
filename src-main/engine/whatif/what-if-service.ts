/**
 * The host's what-if capability in one object: the retained history (fed by the pipeline's operator
 * tap), one what-if run at a time (a new run cancels the previous one), its state for the UI
 * (progress, outcome, error, the last apply), the JSON Lines export of the last run, and the seeding
 * of an applied what-if.
 */
import type { WhatIfOutcomeView, WhatIfSettings, WhatIfState, StreamEvent } from '../../../src-shared/types';
import { EventHistory, type HistoryBudget } from '../history/event-history';
import type { WindowOperator, WindowOperatorOptions } from '../windows/window-operator';
import { seedFromHistory } from './seed';
import { runWhatIf, whatIfJsonLines } from './what-if';

/** Least time between two progress updates of the state, ms. */
const PROGRESS_EVERY_MS = 100;

/** See the module comment. */
export class WhatIfService {
  readonly history: EventHistory;
  private st: WhatIfState = { version: 0, running: false, progress: 0, error: null, outcome: null, applied: null };
  private job?: AbortController;
  private last?: { settings: WhatIfSettings; fromSeq: number; toSeq: number };
  private progressAt = 0;

  /** @throws RangeError on a non-positive budget. */
  constructor(budget: HistoryBudget = {}, private readonly now: () => number = Date.now) {
    this.history = new EventHistory(budget);
  }

  /** The pipeline's operator-input tap: records each batch in the history. */
  readonly tap = (batch: readonly StreamEvent[]): void => this.history.record(batch);

  /** The state for the UI; `version` changes with every update. */
  get state(): WhatIfState {
    return this.st;
  }

  /** The what-if settings of the last finished run, if any (what "apply" applies). */
  get proposed(): WhatIfSettings | undefined {
    return this.last?.settings;
  }

  /**
   * Starts replaying the history under `current` and `proposed` (cancelling a run in progress).
   * The returned promise settles when this run ends; failures end up in the state, never rejected.
   */
  run(current: WhatIfSettings, proposed: WhatIfSettings, sensorId?: string): Promise<void> {
    this.job?.abort();
    const job = (this.job = new AbortController());
    this.update({ running: true, progress: 0, error: null });
    return runWhatIf(this.history, current, proposed, {
      sensorId,
      signal: job.signal,
      now: this.now,
      onProgress: (done) => {
        const t = performance.now();
        if (t - this.progressAt < PROGRESS_EVERY_MS) return;
        this.progressAt = t;
        this.update({ progress: done });
      },
    }).then(
      (o) => {
        if (this.job !== job) return;
        this.job = undefined;
        this.last = { settings: proposed, fromSeq: o.fromSeq, toSeq: o.toSeq };
        const outcome: WhatIfOutcomeView = { history: o.history, current: o.current, whatIf: o.whatIf, elapsedMs: o.elapsedMs, finishedAt: this.now() };
        this.update({ running: false, progress: 1, outcome });
      },
      (e: Error) => {
        if (this.job !== job) return;
        this.job = undefined;
        this.update({ running: false, error: job.signal.aborted ? 'cancelled' : e.message });
      },
    );
  }

  /** Cancels the run in progress, if any. */
  cancel(): void {
    if (this.job === undefined) return;
    this.job.abort();
    this.job = undefined;
    this.update({ running: false, error: 'cancelled' });
  }

  /**
   * Writes the last run's what-if results (same events, same order) as JSON Lines.
   * @throws Error when no run finished yet, or its events were overwritten since.
   */
  async exportLines(write: (chunk: string) => Promise<void> | void): Promise<number> {
    if (this.last === undefined) throw new Error('no what-if results yet: run a what-if first');
    if (this.last.fromSeq < this.history.oldestSeq) throw new Error('the events of the last what-if were overwritten since; run it again');
    return whatIfJsonLines(this.history, this.last.settings, this.last, write);
  }

  /** Seeds the operator of an applied what-if (see seedFromHistory) and records the apply in the state. */
  async seed(opts: WindowOperatorOptions): Promise<WindowOperator> {
    const { operator, coverage } = await seedFromHistory(this.history, opts);
    const { now: _now, ...settings } = opts;
    this.update({ applied: { at: this.now(), settings, coverage } });
    return operator;
  }

  /** A new event-time stream starts (a switched source): forgets the history and the last run. */
  clearHistory(): void {
    this.job?.abort();
    this.job = undefined;
    this.last = undefined;
    this.history.clear();
    this.update({ running: false, progress: 0, error: null, outcome: null });
  }

  private update(patch: Partial<WhatIfState>): void {
    this.st = { ...this.st, ...patch, version: this.st.version + 1 };
  }
}
