/**
 * A debounced call of the newest function: `call()` starts (or restarts) one timer; when it fires it
 * runs whatever `fn` holds then. A screen whose loader depends on its filters sets `fn` on every
 * render, so a refresh that was pending when the filters changed loads the new filters — never the
 * closure of an older render (which once replaced a search's results with the live tickets).
 */
export interface Debouncer {
  fn: () => void;
  call: () => void;
  cancel: () => void;
}

export function debouncer(ms: number, fn: () => void = () => undefined): Debouncer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const d: Debouncer = {
    fn,
    call: () => {
      clearTimeout(timer);
      timer = setTimeout(() => d.fn(), ms);
    },
    cancel: () => clearTimeout(timer),
  };
  return d;
}
