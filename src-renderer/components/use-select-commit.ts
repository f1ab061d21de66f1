/**
 * A <select> that commits deliberately. Browsers fire `change` for every option passed while the
 * user arrows through a closed select, which would apply each one (switching the window kind
 * fires open windows early). Here a pointer choice commits at once; keyboard navigation only moves
 * the shown value, and commits on Enter or when focus leaves.
 */
import { useEffect, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';

const NAV_KEYS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown']);

/** Props to spread on the <select>; `committed` is the host's value. */
export function useSelectCommit<T extends string>(committed: T, commit: (value: T) => void) {
  const [shown, setShown] = useState<T>(committed);
  const keyboard = useRef(false);
  useEffect(() => setShown(committed), [committed]);
  const settle = (value: T) => {
    if (value !== committed) commit(value);
  };
  return {
    value: shown,
    onKeyDown(e: KeyboardEvent<HTMLSelectElement>) {
      if (NAV_KEYS.has(e.key)) keyboard.current = true;
      else if (e.key === 'Enter') settle(shown);
    },
    onChange(e: ChangeEvent<HTMLSelectElement>) {
      const value = e.target.value as T;
      setShown(value);
      if (!keyboard.current) settle(value);
      keyboard.current = false;
    },
    onBlur() {
      settle(shown);
    },
  };
}
