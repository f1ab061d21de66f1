/**
 * Per-subscriber accumulation of the streams between two frames: results, late events, dead
 * letters and log lines each in a bounded ring (newest kept, overflow counted), so a slow or
 * paused subscriber costs a fixed amount of memory.
 */
import { FRAME_CAPS, type AppStatus, type Frame } from '../../src-shared/contract';
import type { MetricsSnapshot } from '../../src-shared/types';
import { StreamRings, type StreamCaps } from './stream-rings';

/** Caps per frame (and per pending buffer). */
export type FrameCaps = StreamCaps;

/** Collects streams for one subscriber and turns them into one `Frame` at a time. */
export class FrameBuilder extends StreamRings {
  private seq = 0;
  private lastStatusJson: string | null = null;
  private lastWhatIfVersion = -1;
  private history: MetricsSnapshot[] | null = null;

  constructor(caps: FrameCaps = FRAME_CAPS) {
    super(caps);
  }

  /** Chart samples from before this subscriber, sent once with its next frame (oldest first). */
  setHistory(metrics: MetricsSnapshot[]): void {
    this.history = metrics.length > 0 ? metrics : null;
  }

  /** Results waiting for the next frame. */
  get pendingResults(): number {
    return this.results.size;
  }

  /**
   * Build the next frame and empty the buffers. `status` is attached only when it differs from the
   * one last sent to this subscriber (always in the first frame); the what-if state likewise, by version.
   */
  take(metrics: MetricsSnapshot, status: AppStatus, whatIf?: Pick<Frame, 'whatIfContext' | 'whatIf'>): Frame {
    const r = this.results.drain();
    const frame: Frame = {
      seq: ++this.seq,
      results: r.items,
      resultsSkipped: r.skipped,
      metrics,
      late: this.late.drain().items,
      deadLetters: this.deadLetters.drain().items,
      logs: this.logs.drain().items,
    };
    if (whatIf?.whatIfContext !== undefined) frame.whatIfContext = whatIf.whatIfContext;
    if (whatIf?.whatIf !== undefined && whatIf.whatIf.version !== this.lastWhatIfVersion) {
      frame.whatIf = whatIf.whatIf;
      this.lastWhatIfVersion = whatIf.whatIf.version;
    }
    if (this.history !== null) {
      frame.history = this.history;
      this.history = null;
    }
    const json = JSON.stringify(status);
    if (json !== this.lastStatusJson) {
      frame.status = status;
      this.lastStatusJson = json;
    }
    return frame;
  }
}
