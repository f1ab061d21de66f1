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
 * Like `useDashboard`, but while `live` is false the component keeps its last value and does not
 * re-render (charts scrolled out of view skip the work of redrawing).
 */
export function useLiveDashboard<T>(selector: (s: DashboardState & DashboardActions) => T, live: boolean): T {
  const held = useRef<{ value: T } | null>(null);
  return useDashboard((s) => {
    if (live || held.current === null) held.current = { value: selector(s) };
    return held.current.value;
  });
}
