/**
 * Keyboard shortcuts, one listener for the whole console. A key press outside a text field becomes
 * an `aftercare:shortcut` event with the action's name; the page that can do it (the list, the
 * open ticket) listens with `useShortcut`. `?` shows the help overlay, Escape closes it.
 */
import { useEffect, useRef } from 'preact/hooks';

export type ShortcutAction = 'next' | 'previous' | 'reply' | 'note' | 'assignMe' | 'search' | 'help' | 'escape';

/** key → action, also the help overlay's table (in this order) */
export const SHORTCUTS: { keys: string[]; action: ShortcutAction }[] = [
  { keys: ['j'], action: 'next' },
  { keys: ['k'], action: 'previous' },
  { keys: ['r'], action: 'reply' },
  { keys: ['n'], action: 'note' },
  { keys: ['a'], action: 'assignMe' },
  { keys: ['/'], action: 'search' },
  { keys: ['?'], action: 'help' },
  { keys: ['Escape'], action: 'escape' },
];

const EVENT = 'aftercare:shortcut';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

/** Installs the listener; `own` handles the shell's actions (help, escape). Returns the remover. */
export function installShortcuts(own: (action: ShortcutAction) => void): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key !== 'Escape' && typing(e.target)) return;
    const hit = SHORTCUTS.find((s) => s.keys.includes(e.key));
    if (!hit) return;
    e.preventDefault();
    own(hit.action);
    window.dispatchEvent(new CustomEvent(EVENT, { detail: hit.action }));
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}

/** Runs `fn` when the shortcut `action` is pressed, while the component is shown. */
export function useShortcut(action: ShortcutAction | ShortcutAction[], fn: (action: ShortcutAction) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  const actions = Array.isArray(action) ? action : [action];
  useEffect(() => {
    const on = (e: Event) => {
      const a = (e as CustomEvent<ShortcutAction>).detail;
      if (actions.includes(a)) ref.current(a);
    };
    window.addEventListener(EVENT, on);
    return () => window.removeEventListener(EVENT, on);
  }, [actions.join(',')]);
}
