import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { useT } from '../i18n';
import type { Ticket } from '../types';

export interface ReplyWindowState {
  open: boolean;
  reason: 'window_closed' | 'window_limit' | 'unsubscribed' | 'not_linked' | null;
  lastCustomerMessageAt: string | null;
  closesAt: string | null;
  remaining: number;
  alternatives: ({ kind: 'callback'; phone: string } | { kind: 'sms'; phone: string } | { kind: 'email'; address: string })[];
}

/** The state of WeChat's 48-hour window for this ticket (null for other channels or while loading). */
export async function loadReplyWindow(ticket: Ticket): Promise<ReplyWindowState | null> {
  if (ticket.channel !== 'wechat') return null;
  return api<ReplyWindowState>(`/api/tickets/${ticket.number}/reply-window`).catch(() => null);
}

/**
 * Why a WeChat reply cannot go out now, and what reaches the customer instead: a callback task, the
 * draft by SMS, or by mail.
 */
export function ReplyWindow(p: { ticket: Ticket; state: ReplyWindowState; draft: string; onSent: () => void }) {
  const { t, locale } = useT();
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(locale) : '—');

  async function act(kind: 'callback' | 'sms' | 'email', phone?: string) {
    setBusy(true);
    setError(null);
    try {
      if (kind === 'callback') {
        await api('/api/callbacks', { method: 'POST', body: { ticketNumber: p.ticket.number, phone, dueAt: new Date(Date.now() + 3600_000).toISOString(), note: p.draft.trim() || undefined } });
        setDone(t('channels.window.callbackDone'));
      } else {
        await api(`/api/tickets/${p.ticket.number}/reply-via`, { method: 'POST', body: { via: kind, body: p.draft } });
        setDone(t(kind === 'sms' ? 'channels.window.smsDone' : 'channels.window.emailDone'));
        p.onSent();
      }
    } catch (err) {
      setError(t('composer.failed', { message: err instanceof ApiError ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="warning reply-window" role="alert" data-testid="reply-window" data-reason={p.state.reason ?? ''}>
      <p>
        <strong>{t(`channels.window.${p.state.reason ?? 'window_closed'}`)}</strong>{' '}
        {t('channels.window.last', { when: when(p.state.lastCustomerMessageAt) })}
      </p>
      {p.state.alternatives.length ? (
        <p class="alternatives">
          {p.state.alternatives.map((a) =>
            a.kind === 'callback' ? (
              <button type="button" disabled={busy} data-alt="callback" onClick={() => void act('callback', a.phone)}>{t('channels.window.callback', { phone: a.phone })}</button>
            ) : a.kind === 'sms' ? (
              <button type="button" disabled={busy || !p.draft.trim()} data-alt="sms" onClick={() => void act('sms')}>{t('channels.window.sms', { phone: a.phone })}</button>
            ) : (
              <button type="button" disabled={busy || !p.draft.trim()} data-alt="email" onClick={() => void act('email')}>{t('channels.window.email', { address: a.address })}</button>
            ),
          )}
        </p>
      ) : (
        <p>{t('channels.window.noAlternative')}</p>
      )}
      {done && <p class="ok" role="status">{done}</p>}
      {error && <p class="error">{error}</p>}
    </div>
  );
}
