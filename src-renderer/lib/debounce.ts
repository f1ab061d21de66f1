/** A trailing debounce: `fn` runs once, `waitMs` after the last call, with the last arguments. */
export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Run a pending call now (no-op when none is pending). */
  flush(): void;
  /** Drop a pending call. */
  cancel(): void;
}

/** Debounce `fn` by `waitMs` (ms). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: A | undefined;
  const run = () => {
    timer = undefined;
    const args = pending;
    pending = undefined;
    if (args) fn(...args);
  };
  const debounced = ((...args: A) => {
    pending = args;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, waitMs);
  }) as Debounced<A>;
  debounced.flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    run();
  };
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return debounced;
}
