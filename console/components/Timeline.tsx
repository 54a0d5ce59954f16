import { useEffect, useRef } from 'preact/hooks';
import { download } from '../api';
import { useT } from '../i18n';
import { ChannelIcon, Icon, Time } from './common';
import { timelineText } from './units/return-events';

export interface Message {
  id: string;
  kind: 'message' | 'event';
  author: { type: 'customer' | 'agent' | 'system'; id: string | null; name: string };
  body: string;
  fullBody?: string;
  internal: boolean;
  channel: string;
  delivery: { status: string; error: string | null };
  event: { type: string; data: unknown } | null;
  createdAt: string;
  attachments: { id: string; filename: string; size: number; url: string }[];
}

/** Calls, mails, chat lines, notes and status events in order; bodies are shown as text, never as HTML. */
export function Timeline({ messages }: { messages: Message[] }) {
  const { t } = useT();
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [messages.length]);
  return (
    <ol class="timeline">
      {messages.map((m) => {
        const cls = m.kind === 'event' ? 'event' : m.internal ? 'note' : m.author.type;
        return (
          <li key={m.id} class={`msg ${cls}`} data-id={m.id}>
            <div class="meta">
              {m.kind === 'event' ? <span class="tag">{t('ticket.event')}</span> : <ChannelIcon channel={m.channel} />}
              <strong>{m.author.name}</strong>
              {m.internal && m.kind !== 'event' && <span class="tag note-tag">{t('ticket.internal')}</span>}
              <span class="spacer" />
              {m.author.type === 'agent' && !m.internal && m.delivery.status !== 'none' && <span class={`delivery d-${m.delivery.status}`}>{t(`ticket.delivery.${m.delivery.status}`)}</span>}
              <Time at={m.createdAt} />
            </div>
            <div class="body">{(m.kind === 'event' && m.event && timelineText(t, m.event.type, m.event.data as Record<string, unknown> | null)) || m.body}</div>
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
                    <a href={a.url} data-attachment={a.id} onClick={(e) => { e.preventDefault(); void download(a.url, a.filename).catch((err: Error) => alert(err.message)); }}>
                      <Icon name="clip" /> {a.filename}
                    </a>{' '}
                    <span class="muted small">{Math.ceil(a.size / 1024)} KB</span>
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
