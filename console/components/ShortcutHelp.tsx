import { useEffect, useRef } from 'preact/hooks';
import { useT } from '../i18n';
import { SHORTCUTS } from '../shortcuts';

/** The `?` overlay: every shortcut and what it does; Escape or the button closes it, focus returns. */
export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const { t } = useT();
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    return () => before?.focus?.();
  }, []);
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="dialog card" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" tabIndex={-1} ref={dialog} data-testid="shortcut-help">
        <h2 id="shortcuts-title">{t('shortcuts.title')}</h2>
        <table class="shortcuts">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>{s.keys.map((k) => <kbd key={k}>{k === 'Escape' ? t('shortcuts.key.escape') : k}</kbd>)}</td>
                <td>{t(`shortcuts.${s.action}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" class="primary" onClick={onClose}>{t('shortcuts.close')}</button>
      </div>
    </div>
  );
}
