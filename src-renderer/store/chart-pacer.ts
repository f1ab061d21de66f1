/**
 * Spreads chart redraws over animation frames. A recharts chart costs several milliseconds of main
 * thread per data update (render, its internal store, SVG paths); drawn all at once, the six charts
 * made one long frame per publish (60–100 ms, more on a busy machine). Each chart instead asks the
 * pacer for a turn and redraws in its own frame: the longest frame is about one chart's cost, and
 * every chart is still at most a few frames (~16 ms each) behind the numbers.
 *
 * Pure (no DOM, no React): the frame scheduler is injectable, so tests drive it by hand.
 */
import { animationFrame, type FrameScheduler } from './frame-scheduler';

/** Hands out turns, at most `perFrame` per animation frame, first come first served. */
export interface ChartPacer {
  /** Run `turn` in a later animation frame; returns a function that withdraws it (no-op once run). */
  request(turn: () => void): () => void;
  /** Turns waiting (for tests and diagnostics). */
  readonly waiting: number;
}

/** Options of {@link createChartPacer}. */
export interface ChartPacerOptions {
  /** Schedules the next frame (requestAnimationFrame in the browser). */
  schedule?: FrameScheduler;
  /** Turns run per frame (default 1: one chart redraw per frame). */
  perFrame?: number;
}

/** A pacer running at most `perFrame` turns per frame. */
export function createChartPacer(options: ChartPacerOptions = {}): ChartPacer {
  const schedule = options.schedule ?? animationFrame;
  const perFrame = Math.max(1, Math.floor(options.perFrame ?? 1));
  /** Insertion-ordered; a withdrawn turn is simply deleted. */
  const queue = new Set<{ turn: () => void }>();
  let scheduled = false;

  const frame = () => {
    scheduled = false;
    let ran = 0;
    for (const entry of queue) {
      if (ran >= perFrame) break;
      queue.delete(entry);
      ran++;
      try {
        entry.turn();
      } catch (err) {
        console.error('streamscope: chart update failed', err);
      }
    }
    if (queue.size > 0) arm();
  };
  const arm = () => {
    if (scheduled) return;
    scheduled = true;
    schedule(frame);
  };

  return {
    request(turn) {
      const entry = { turn };
      queue.add(entry);
      arm();
      return () => {
        queue.delete(entry);
      };
    },
    get waiting() {
      return queue.size;
    },
  };
}
