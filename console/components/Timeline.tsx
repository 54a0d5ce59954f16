import { useEffect, useRef, useState } from 'preact/hooks';
import { download, objectUrl } from '../api';
import { errorText } from '../errors';
import { useT } from '../i18n';
import { teamName, useTeams } from '../teams';
import { eventText } from '../timeline-text';
import type { Message } from '../types';
import { ChannelIcon, Icon, Time } from './common';

type Attachment = Message['attachments'][number];

/** An image attachment shown small in the timeline (fetched with the agent's token); a click downloads it. */
function Thumb({ a }: { a: Attachment }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    objectUrl(a.url).then((u) => setSrc((url = u))).catch(() => undefined);
    return () => void (url && URL.revokeObjectURL(url));
  }, [a.url]);
  return src ? <img class="thumb" src={src} alt={a.filename ?? ''} data-thumb={a.id} /> : null;
}

/**
 * Calls, mails, chat lines, notes and every change (claims, assignments, status, type, priority,
 * team, SLA alerts) in order. Messages as text, never as HTML; changes as one compact line each, in
 * the reader's language.
 */
export function Timeline({ messages }: { messages: Message[] }) {
  const { t, locale } = useT();
  const teams = useTeams();
  const list = useRef<HTMLOListElement>(null);
  // the newest message in view (the list scrolls by itself on wide screens)
  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);
  const team = (k: string) => teamName(teams, k, locale);
  return (
    <ol class="timeline" aria-label={t('ticket.timeline')} ref={list}>
      {messages.map((m) => {
        if (m.kind === 'event') {
          return (
            <li key={m.id} class={`msg event ev-${m.event?.type ?? 'other'}`} data-id={m.id} data-event={m.event?.type ?? ''}>
              <span class="event-text body">{eventText(m.event, m.body, t, locale, team)}</span> <Time at={m.createdAt} />
            </li>
          );
        }
        const cls = m.internal ? 'note' : m.author.type;
        return (
          <li key={m.id} class={`msg ${cls}`} data-id={m.id}>
            <div class="meta">
              <ChannelIcon channel={m.channel} />
              <strong translate={false}>{m.author.type === 'system' ? t('ticket.system') : m.author.name}</strong>
              {m.internal && <span class="tag note-tag">{t('ticket.internal')}</span>}
              <span class="spacer" />
              {m.author.type === 'agent' && !m.internal && m.delivery.status !== 'none' && <span class={`delivery d-${m.delivery.status}`}>{t(`ticket.delivery.${m.delivery.status}`)}</span>}
              <Time at={m.createdAt} />
            </div>
            {m.body && <div class="body" translate={false}>{m.body}</div>}
            {m.fullBody && (
              <details class="quoted">
                <summary>{t('ticket.quoted')}</summary>
                <div class="body" translate={false}>{m.fullBody}</div>
              </details>
            )}
            {m.attachments.length > 0 && (
              <ul class="attachments">
                {m.attachments.map((a) => (
                  <li key={a.id}>
                    {a.contentType?.startsWith('image/') && <Thumb a={a} />}
                    <a href={a.url} data-attachment={a.id} onClick={(e) => { e.preventDefault(); void download(a.url, a.filename ?? 'attachment').catch((err) => alert(errorText(err, t))); }}>
                      <Icon name="clip" /> <span translate={false}>{a.filename}</span>
                    </a>{' '}
                    <span class="muted small">{Math.ceil((a.size ?? 0) / 1024)} KB</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
