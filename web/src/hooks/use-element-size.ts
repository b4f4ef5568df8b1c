import { useEffect, useRef, useState, type RefObject } from 'react';

/** The width of an element, kept current as the layout changes (charts draw to their box). */
export function useElementWidth<E extends HTMLElement>(fallback = 640): [RefObject<E | null>, number] {
  const ref = useRef<E>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(160, Math.floor(entry.contentRect.width)));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/**
 * Whether an element's content is wider than its box (a scrolling table must take focus).
 * A callback ref, so an element that appears later (a table after its empty state) is watched.
 */
export function useOverflows<E extends HTMLElement>(): [(el: E | null) => void, boolean] {
  const [el, setEl] = useState<E | null>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    if (!el) return;
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    check();
    return () => observer.disconnect();
  }, [el]);
  return [setEl, overflows];
}
