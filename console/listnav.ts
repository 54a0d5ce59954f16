/**
 * "Next ticket" for the keyboard: the list on screen (the live queue, the search results) says which
 * ticket numbers it shows, in order; `j`/`k` open the next or previous one after the open ticket.
 */
import { useEffect } from 'preact/hooks';
import { useShortcut } from './shortcuts';

/** Registers the shown list; `open(n)` opens a ticket of it. */
export function useListNav(numbers: number[], selected: number | null, open: (n: number) => void): void {
  useShortcut(['next', 'previous'], (action) => {
    if (!numbers.length) return;
    const at = selected === null ? -1 : numbers.indexOf(selected);
    const next = action === 'next' ? (at < 0 ? 0 : Math.min(numbers.length - 1, at + 1)) : at < 0 ? 0 : Math.max(0, at - 1);
    if (numbers[next] !== selected) open(numbers[next]);
  });
  // keep the selected row in view when it changes by keyboard
  useEffect(() => {
    if (selected === null) return;
    document.querySelector(`[data-number="${selected}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);
}
