import { useEffect, useRef } from 'preact/hooks';
import { download } from '../api';
import { T, useT } from '../i18n';
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

/**
 * A timeline event in the reader's language: the key `event.<type>` filled with the event's data;
 * the stored English body for events without a translation.
 */
export function eventText(m: Message, t: T): string {
  const type = m.event?.type;
  if (!type) return m.body;
  const key = `event.${type}`;
  const data = (m.event?.data ?? {}) as Record<string, unknown>;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(data)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  if (typeof data.reason === 'string' && t(`wo.reason.${data.reason}`) !== `wo.reason.${data.reason}`) vars.reason = t(`wo.reason.${data.reason}`);
  const text = t(key, vars);
  return text === key ? m.body : text;
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
            <div class="body">{m.kind === 'event' ? ((m.event && timelineText(t, m.event.type, m.event.data as Record<string, unknown> | null)) || eventText(m, t)) : m.body}</div>
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
