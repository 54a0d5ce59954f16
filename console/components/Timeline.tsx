import { useEffect, useRef } from 'preact/hooks';
import { download } from '../api';
import { useT } from '../i18n';
import { eventText } from '../timeline-text';
import type { Message } from '../types';
import { ChannelIcon, Icon, Time } from './common';

/** Calls, mails, chat lines, notes and status events in order, events in the reader's language; bodies are shown as text, never as HTML. */
export function Timeline({ messages }: { messages: Message[] }) {
  const { t, locale } = useT();
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [messages.length]);
  return (
    <ol class="timeline">
      {messages.map((m) => {
        const cls = m.kind === 'event' ? 'event' : m.internal ? 'note' : m.author.type;
        return (
          <li key={m.id} class={`msg ${cls}`} data-id={m.id} data-event={m.event?.type}>
            <div class="meta">
              {m.kind === 'event' ? <span class="tag">{t('ticket.event')}</span> : <ChannelIcon channel={m.channel} />}
              <strong>{m.author.name}</strong>
              {m.internal && m.kind !== 'event' && <span class="tag note-tag">{t('ticket.internal')}</span>}
              <span class="spacer" />
              {m.author.type === 'agent' && !m.internal && m.delivery.status !== 'none' && <span class={`delivery d-${m.delivery.status}`}>{t(`ticket.delivery.${m.delivery.status}`)}</span>}
              <Time at={m.createdAt} />
            </div>
            <div class="body">{m.kind === 'event' ? eventText(m.event, m.body, t, locale) : m.body}</div>
            {m.fullBody && (
              <details class="quoted">
                <summary>…</summary>
                <div class="body">{m.fullBody}</div>
              </details>
            )}
            {m.attachments.length > 0 && (
              <ul class="attachments">
                {m.attachments.map((a) => (
                  <li>
                    <a href={a.url} data-attachment={a.id} onClick={(e) => { e.preventDefault(); void download(a.url, a.filename ?? 'attachment').catch((err: Error) => alert(err.message)); }}>
                      <Icon name="clip" /> {a.filename}
                    </a>{' '}
                    <span class="muted small">{Math.ceil((a.size ?? 0) / 1024)} KB</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
      <div ref={end} />
    </ol>
  );
}
