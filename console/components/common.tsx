import { duration, useT } from '../i18n';

// Inline SVG paths (24x24 viewBox), so the icons look the same whatever fonts the machine has.
const ICON_PATHS: Record<string, string> = {
  email: 'M3 5h18v14H3z M3 6l9 7 9-7',
  chat: 'M4 4h16v11H9l-5 4z',
  voice: 'M6 3l3 1 1 4-2 2a11 11 0 0 0 6 6l2-2 4 1 1 3-2 3C10 21 3 14 3 5z',
  wechat: 'M9 4C5 4 2 6.5 2 9.5c0 1.8 1 3.3 2.6 4.3L4 16l2.6-1.3c.8.2 1.6.3 2.4.3 M15 9c3.9 0 7 2.4 7 5.3 0 1.6-.9 3-2.3 4L20 20l-2.4-1.1c-.8.2-1.7.4-2.6.4-3.9 0-7-2.4-7-5.3S11.1 9 15 9z',
  sms: 'M4 4h16v12H8l-4 4z M8 9h8 M8 12h5',
  web: 'M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18z M3 12h18 M12 3c-3 3-3 15 0 18 M12 3c3 3 3 15 0 18',
  eye: 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z M12 9a3 3 0 1 0 0 6 3 3 0 1 0 0-6z',
  pen: 'M4 20l4-1 11-11-3-3L5 16z',
  phone: 'M6 3l3 1 1 4-2 2a11 11 0 0 0 6 6l2-2 4 1 1 3-2 3C10 21 3 14 3 5z',
  clip: 'M8 12l6-6a3 3 0 0 1 4 4l-8 8a5 5 0 0 1-7-7l7-7',
};

export function Icon({ name, title }: { name: string; title?: string }) {
  return (
    <svg class={`icon i-${name}`} viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" role={title ? 'img' : undefined} aria-hidden={title ? undefined : 'true'} aria-label={title}>
      {title && <title>{title}</title>}
      <path d={ICON_PATHS[name] ?? ICON_PATHS.web} />
    </svg>
  );
}

export function ChannelIcon({ channel }: { channel: string }) {
  const { t } = useT();
  return <span class={`channel ch-${channel}`}><Icon name={channel} title={t(`channel.${channel}`)} /></span>;
}

export function Due({ dueAt, status }: { dueAt: string | null; status: string | null }) {
  const { t, locale } = useT();
  if (!dueAt) return null;
  const sec = (Date.parse(dueAt) - Date.now()) / 1000;
  const late = sec < 0 || status === 'breached';
  const soon = !late && sec < 15 * 60;
  return <span class={`due ${late ? 'late' : soon ? 'soon' : ''}`}>{late ? t('queue.overdue', { when: duration(-sec, locale) }) : t('queue.due', { when: duration(sec, locale) })}</span>;
}

export function Time({ at }: { at: string | Date }) {
  const { locale } = useT();
  const d = new Date(at);
  return <time dateTime={d.toISOString()}>{d.toLocaleString(locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })}</time>;
}

const NAME = '\u0000';
/**
 * A hidden label of an icon button that names data ("Delete the view <name>"): read by screen
 * readers as one sentence, the name marked as what someone wrote (translate=no), not as text to translate.
 * `text` is the translated sentence with `{name}` filled by DATA_SLOT.
 */
export function DataLabel({ text, name }: { text: string; name: string }) {
  const [before, after] = text.split(NAME);
  return (
    <span class="visually-hidden">
      {before}
      <span translate={false}>{name}</span>
      {after ?? ''}
    </span>
  );
}
export const DATA_SLOT = NAME;
