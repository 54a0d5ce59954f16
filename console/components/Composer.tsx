import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import { Live } from '../live';
import type { Me } from '../session';
import type { Message, Ticket } from '../types';
import { KbPicker } from './KbPicker';
import { loadReplyWindow, ReplyWindow, ReplyWindowState } from './ReplyWindow';

interface Canned {
  id: string;
  title: string;
  body: string;
  locale: string;
}

/** `{{customer.name}}`-style placeholders of a canned response, filled from the open ticket. */
export function fillPlaceholders(text: string, ctx: { ticket: Ticket; me: Me }): string {
  const values: Record<string, string> = {
    'customer.name': ctx.ticket.customer.name,
    'customer.email': ctx.ticket.customer.email ?? '',
    'ticket.number': String(ctx.ticket.number),
    'ticket.subject': ctx.ticket.subject,
    'agent.name': ctx.me.name,
  };
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (all, key: string) => values[key] ?? all);
}

const TYPING_EVERY_MS = 3000;

/**
 * One composer: a reply on the ticket's channel, or an internal note. The reply carries the id of
 * the last message the agent saw; when someone wrote meanwhile the server answers 409 stale_view,
 * the new messages are shown, the draft stays, and "send anyway" resends against the fresh view.
 */
export function Composer(p: { me: Me; ticket: Ticket; lastMessageId: string | null; onSent: (m: Message) => void; reload: () => Promise<Message[]> }) {
  const { t, locale } = useT();
  const socket = useContext(Live);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState<{ author: string; body: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [canned, setCanned] = useState<Canned[]>([]);
  const [kbOpen, setKbOpen] = useState(false);
  const [replyWindow, setReplyWindow] = useState<ReplyWindowState | null>(null);
  const lastTyping = useRef(0);

  useEffect(() => {
    setDraft('');
    setStale(null);
    setError(null);
    setReplyWindow(null);
    api<{ responses: Canned[] }>('/api/canned-responses').then((r) => setCanned(r.responses)).catch(() => undefined);
  }, [p.ticket.number]);
  // WeChat's window opens again with each customer message
  useEffect(() => {
    void loadReplyWindow(p.ticket).then(setReplyWindow);
  }, [p.ticket.number, p.lastMessageId]);
  const shut = mode === 'reply' && !!replyWindow && !replyWindow.open;

  const typing = (on: boolean) => {
    const now = Date.now();
    if (on && now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = on ? now : 0;
    socket?.emit('typing', { ticketNumber: p.ticket.number, typing: on }, () => undefined);
  };

  async function send(expected: string | null) {
    if (!draft.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const m = await api<Message>(`/api/tickets/${p.ticket.number}/messages`, { method: 'POST', body: { body: draft, internal: mode === 'note', expectedLastMessageId: expected } });
      p.onSent(m);
      setDraft('');
      setStale(null);
      typing(false);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale_view') {
        setStale((err.details?.newMessages ?? []) as { author: string; body: string }[]);
        await p.reload();
      } else if (err instanceof ApiError && err.code.startsWith('wechat_') && err.details) {
        setReplyWindow(err.details as ReplyWindowState); // the draft stays: it can go by SMS or mail
      } else setError(t('composer.failed', { message: (err as Error).message }));
    } finally {
      setBusy(false);
    }
  }

  // the customer's language first, then the console's
  const preferred = p.ticket.customer.locale || locale;
  const options = [...canned].sort((a, b) => Number(b.locale === preferred) - Number(a.locale === preferred));
  const channel = t(`channel.${p.ticket.channel}`);

  return (
    <form class={`composer ${mode}`} onSubmit={(e) => (e.preventDefault(), void send(p.lastMessageId))}>
      <div class="tabs" role="tablist">
        <button type="button" role="tab" class={mode === 'reply' ? 'active' : ''} aria-selected={mode === 'reply'} onClick={() => setMode('reply')}>{t('composer.reply', { channel })}</button>
        <button type="button" role="tab" class={mode === 'note' ? 'active' : ''} aria-selected={mode === 'note'} onClick={() => setMode('note')}>{t('composer.note')}</button>
        <span class="spacer" />
        <select aria-label={t('composer.canned')} value="" onChange={(e) => {
          const c = canned.find((x) => x.id === e.currentTarget.value);
          if (c) setDraft((d) => (d ? `${d}\n` : '') + fillPlaceholders(c.body, { ticket: p.ticket, me: p.me }));
        }}>
          <option value="">{t('composer.canned')}</option>
          {options.map((c) => <option value={c.id}>{c.locale === 'zh-CN' ? '中' : 'EN'} · {c.title}</option>)}
        </select>
        <button type="button" aria-expanded={kbOpen} onClick={() => setKbOpen((o) => !o)}>{t('kb.open')}</button>
      </div>
      {kbOpen && <KbPicker ticketNumber={p.ticket.number} locale={preferred} onInsert={(text) => setDraft((d) => (d ? `${d}\n` : '') + text)} />}
      {stale && (
        <div class="warning" role="alert" data-testid="stale">
          <p>{t('composer.stale')}</p>
          <ul>{stale.map((m) => <li><strong>{m.author}:</strong> {m.body}</li>)}</ul>
          <button type="button" class="primary" disabled={busy} onClick={() => void send(p.lastMessageId)}>{t('composer.sendAnyway')}</button>{' '}
          <button type="button" onClick={() => setStale(null)}>{t('composer.discardWarning')}</button>
        </div>
      )}
      {shut && (
        <ReplyWindow
          ticket={p.ticket}
          state={replyWindow!}
          draft={draft}
          onSent={() => {
            setDraft('');
            void p.reload();
          }}
        />
      )}
      <textarea
        name="body"
        rows={4}
        value={draft}
        placeholder={mode === 'reply' ? t('composer.placeholderReply', { name: p.ticket.customer.name }) : t('composer.placeholderNote')}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          typing(true);
        }}
        onBlur={() => lastTyping.current && typing(false)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) (e.preventDefault(), void send(p.lastMessageId));
        }}
      />
      {error && <p class="error">{error}</p>}
      <div class="actions">
        <span class="muted small">Ctrl+Enter</span>
        <button type="submit" class="primary" disabled={busy || !draft.trim() || !!stale || shut}>{mode === 'reply' ? t('composer.send') : t('composer.sendNote')}</button>
      </div>
    </form>
  );
}
