/**
 * React access to the dashboard store: a provider at the root and selector hooks. Components select
 * the smallest slice they need so a frame re-renders only what changed.
 */
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useStore } from 'zustand';
import { createChartPacer, type ChartPacer } from './chart-pacer';
import type { DashboardActions, DashboardState, DashboardStore } from './dashboard-store';

/** What selectors receive. */
export type DashboardSelectorState = DashboardState & DashboardActions;

const StoreContext = createContext<DashboardStore | null>(null);
const PacerContext = createContext<ChartPacer | null>(null);

/** The pacer of providers given none: one per page, shared by every chart. */
let defaultPacer: ChartPacer | null = null;

/** Makes `store` (and the chart pacer) available to the hooks below it. */
export function DashboardProvider({ store, pacer, children }: { store: DashboardStore; pacer?: ChartPacer; children: ReactNode }) {
  const chosen = pacer ?? (defaultPacer ??= createChartPacer());
  return (
    <StoreContext.Provider value={store}>
      <PacerContext.Provider value={chosen}>{children}</PacerContext.Provider>
    </StoreContext.Provider>
  );
}

function useStoreApi(): DashboardStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useDashboard must be used inside <DashboardProvider>');
  return store;
}

/** Select a slice of the store; re-renders only when that slice changes (Object.is). */
export function useDashboard<T>(selector: (s: DashboardState & DashboardActions) => T): T {
  return useStore(useStoreApi(), selector);
}

/** Options of {@link useChartData}. */
export interface ChartDataOptions<T> {
  /** When a new selection counts as unchanged (default Object.is). Pass a stable (module-level) function. */
  equal?: (a: T, b: T) => boolean;
  /** While not `live`, refresh only once every this many frames (default 20: 2 s at 10 frames/s). */
  offscreenEveryFrames?: number;
}

/**
 * The data of one chart (`selector`'s value), shown in the chart's own animation frame: a change is
 * taken when the chart pacer grants this chart a turn (see `chart-pacer.ts`), so charts redraw one
 * per frame instead of all in the frame of the store update. The turn reads the newest value, so a
 * chart is at most a few frames behind. While `live` is false (scrolled out of view) the value is
 * refreshed only once every `offscreenEveryFrames` frames (2 s at 10 frames/s), so hidden charts
 * cost little and are never far behind (full-page screenshots stay meaningful).
 */
export function useChartData<T>(
  selector: (s: DashboardState & DashboardActions) => T,
  live: boolean,
  options: ChartDataOptions<T> = {},
): T {
  const store = useStoreApi();
  const pacer = useContext(PacerContext) ?? (defaultPacer ??= createChartPacer());
  const equal = options.equal ?? Object.is;
  const every = options.offscreenEveryFrames ?? 20;
  const [shown, setShown] = useState(() => selector(store.getState()));
  const shownRef = useRef(shown);
  const selectorRef = useRef(selector);
  useEffect(() => {
    selectorRef.current = selector;
  });

  useEffect(() => {
    let withdraw: (() => void) | null = null;
    let bucket = Number.NaN;
    const turn = () => {
      withdraw = null;
      const next = selectorRef.current(store.getState());
      if (equal(next, shownRef.current)) return;
      shownRef.current = next;
      // Render (and let recharts settle) now, inside this frame, not batched with other charts.
      flushSync(() => setShown(next));
    };
    const check = () => {
      const s = store.getState();
      if (!live) {
        const b = Math.floor(s.view.frames / every);
        if (b === bucket) return;
        bucket = b;
      }
      if (withdraw !== null) return; // a turn is pending; it will read the newest value
      if (equal(selectorRef.current(s), shownRef.current)) return;
      withdraw = pacer.request(turn);
    };
    check();
    const unsubscribe = store.subscribe(check);
    return () => {
      unsubscribe();
      withdraw?.();
    };
  }, [store, pacer, live, every, equal]);

  return shown;
}

/** Shallow equality of two plain objects (same keys, Object.is values). */
export function shallowEqual<T extends object>(a: T, b: T): boolean {
  if (Object.is(a, b)) return true;
  const ka = Object.keys(a) as (keyof T)[];
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && Object.is(a[k], b[k]));
}
