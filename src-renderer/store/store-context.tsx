/**
 * React access to the dashboard store: a provider at the root and a selector hook. Components select
 * the smallest slice they need so a frame re-renders only what changed.
 */
import { createContext, useContext, useRef, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { DashboardActions, DashboardState, DashboardStore } from './dashboard-store';

const StoreContext = createContext<DashboardStore | null>(null);

/** Makes `store` available to `useDashboard` below it. */
export function DashboardProvider({ store, children }: { store: DashboardStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** Select a slice of the store; re-renders only when that slice changes (Object.is). */
export function useDashboard<T>(selector: (s: DashboardState & DashboardActions) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useDashboard must be used inside <DashboardProvider>');
  return useStore(store, selector);
}

/**
 * Like `useDashboard`, but while `live` is false (the component is scrolled out of view) the value
 * is refreshed only once every `offscreenEveryFrames` frames (2 s at 10 frames/s), so hidden charts
 * cost little and are never far behind (full-page screenshots stay meaningful). Deterministic: the
 * value depends only on the store state.
 */
export function useLiveDashboard<T>(
  selector: (s: DashboardState & DashboardActions) => T,
  live: boolean,
  offscreenEveryFrames = 20,
): T {
  const held = useRef<{ value: T; bucket: number } | null>(null);
  return useDashboard((s) => {
    const bucket = Math.floor(s.view.frames / offscreenEveryFrames);
    if (live || held.current === null || held.current.bucket !== bucket) held.current = { value: selector(s), bucket };
    return held.current.value;
  });
}
