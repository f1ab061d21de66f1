/**
 * Whether an element is on screen (IntersectionObserver, with a margin so charts about to scroll in
 * are already drawn). True where IntersectionObserver is missing.
 */
import { useCallback, useRef, useState } from 'react';

/** Returns a ref callback for the element and whether it is in view. */
export function useInView<E extends Element>(rootMargin = '200px'): [(el: E | null) => void, boolean] {
  const [inView, setInView] = useState(true);
  const observer = useRef<IntersectionObserver | null>(null);
  const ref = useCallback(
    (el: E | null) => {
      observer.current?.disconnect();
      observer.current = null;
      if (!el || typeof IntersectionObserver !== 'function') return;
      observer.current = new IntersectionObserver((entries) => {
        const last = entries[entries.length - 1];
        if (last) setInView(last.isIntersecting);
      }, { rootMargin });
      observer.current.observe(el);
    },
    [rootMargin],
  );
  return [ref, inView];
}
