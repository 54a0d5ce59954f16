import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, upload } from '../api';
import { errorText } from '../errors';
import { useT } from '../i18n';
import { Live } from '../live';
import type { Me } from '../session';
import type { Message, Ticket } from '../types';
import { MacroPicker } from './MacroPicker';
import { DATA_SLOT, DataLabel, Icon } from './common';
import { KbPicker } from './KbPicker';
import { loadReplyWindow, ReplyWindow, ReplyWindowState } from './ReplyWindow';

interface Canned {
  id: string;
  title: string;
  body: string;
  locale: string;
  team: string | null;
}

export type ComposerMode = 'reply' | 'note';

interface Pending {
  key: string;
  file: File;
  preview: string | null;
  status: 'uploading' | 'ready' | 'failed';
  id?: string;
  error?: string;
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
let fileSeq = 0;

/**
 * One composer: a reply on the ticket's channel, or an internal note, with files (chosen, dropped
 * or pasted: each is uploaded at once and sent with the message). The reply carries the id of the
 * last message the agent saw; when someone wrote meanwhile the server answers 409 stale_view, the
 * new messages are shown, the draft stays, and "send anyway" resends against the fresh view.
 */
export function Composer(p: { me: Me; ticket: Ticket; mode: ComposerMode; onMode: (m: ComposerMode) => void; focusToken: number; lastMessageId: string | null; onSent: (m: Message) => void; reload: () => Promise<Message[]>; onTicket?: (t: Ticket) => void }) {
  const { t, locale } = useT();
  const socket = useContext(Live);
  const mode = p.mode;
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [stale, setStale] = useState<{ author: string; body: string }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [canned, setCanned] = useState<Canned[]>([]);
  const [files, setFiles] = useState<Pending[]>([]);
  const [dragging, setDragging] = useState(false);
  const [kbOpen, setKbOpen] = useState(false);
  const [replyWindow, setReplyWindow] = useState<ReplyWindowState | null>(null);
  const lastTyping = useRef(0);
  const area = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setDraft('');
    setStale(null);
    setError(null);
    setFiles([]);
    setReplyWindow(null);
    api<{ responses: Canned[] }>('/api/canned-responses').then((r) => setCanned(r.responses.filter((c) => !c.team || c.team === p.ticket.team))).catch(() => undefined);
  }, [p.ticket.number]);
  // WeChat's window opens again with each customer message
  useEffect(() => {
    void loadReplyWindow(p.ticket).then(setReplyWindow);
  }, [p.ticket.number, p.lastMessageId]);
  const shut = mode === 'reply' && !!replyWindow && !replyWindow.open;
  useEffect(() => {
    if (p.focusToken) area.current?.focus();
  }, [p.focusToken]);

  const typing = (on: boolean) => {
    const now = Date.now();
    if (on && now - lastTyping.current < TYPING_EVERY_MS) return;
    lastTyping.current = on ? now : 0;
    socket?.emit('typing', { ticketNumber: p.ticket.number, typing: on }, () => undefined);
  };

  function addFiles(list: FileList | File[]) {
    for (const file of Array.from(list)) {
      const key = `f${++fileSeq}`;
      const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
      setFiles((fs) => [...fs, { key, file, preview, status: 'uploading' }]);
      upload<{ id: string }>(`/api/tickets/${p.ticket.number}/attachments?filename=${encodeURIComponent(file.name || 'image.png')}`, file)
        .then((r) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, status: 'ready', id: r.id } : f))))
        .catch((err) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, status: 'failed', error: errorText(err, t) } : f))));
    }
  }
  const removeFile = (key: string) =>
    setFiles((fs) => {
      const f = fs.find((x) => x.key === key);
      if (f?.preview) URL.revokeObjectURL(f.preview);
      return fs.filter((x) => x.key !== key);
    });

  const ready = files.filter((f) => f.status === 'ready');
  const uploading = files.some((f) => f.status === 'uploading');
  const canSend = !busy && !uploading && !stale && (!!draft.trim() || ready.length > 0);

  async function send(expected: string | null) {
    if (!draft.trim() && !ready.length) return;
    setBusy(true);
    setError(null);
    try {
      const m = await api<Message>(`/api/tickets/${p.ticket.number}/messages`, {
        method: 'POST',
        body: { body: draft, internal: mode === 'note', expectedLastMessageId: expected, ...(ready.length ? { attachments: ready.map((f) => f.id) } : {}) },
      });
      p.onSent(m);
      setDraft('');
      files.forEach((f) => f.preview && URL.revokeObjectURL(f.preview));
      setFiles([]);
      setStale(null);
      typing(false);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'stale_view') {
        setStale((err.details?.newMessages ?? []) as { author: string; body: string }[]);
        await p.reload();
      } else if (err instanceof ApiError && err.code.startsWith('wechat_') && err.details) {
        setReplyWindow(err.details as ReplyWindowState); // the draft stays: it can go by SMS or mail
      } else setError(t('composer.failed', { message: errorText(err, t) }));
    } finally {
      setBusy(false);
    }
  }

  // the customer's language first, then the console's
  const preferred = p.ticket.customer.locale || locale;
  const options = [...canned].sort((a, b) => Number(b.locale === preferred) - Number(a.locale === preferred));
  const channel = t(`channel.${p.ticket.channel}`);

  return (
    <form
      class={`composer ${mode} ${dragging ? 'dragging' : ''}`}
      onSubmit={(e) => (e.preventDefault(), void send(p.lastMessageId))}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        if (!e.dataTransfer?.files.length) return;
        e.preventDefault();
        setDragging(false);
        addFiles(e.dataTransfer.files);
      }}
    >
      <div class="tabs">
        <div class="tab-buttons" role="tablist" aria-label={t('composer.mode')}>
          <button type="button" role="tab" class={mode === 'reply' ? 'active' : ''} aria-selected={mode === 'reply'} onClick={() => p.onMode('reply')}>{t('composer.reply', { channel })}</button>
          <button type="button" role="tab" class={mode === 'note' ? 'active' : ''} aria-selected={mode === 'note'} onClick={() => p.onMode('note')}>{t('composer.note')}</button>
        </div>
        <span class="spacer" />
        <MacroPicker ticket={p.ticket} onApplied={(tk) => (p.onTicket?.(tk), void p.reload())} onMessage={(text, bad) => setError(bad ? text : null)} />
        <select aria-label={t('composer.canned')} value="" onChange={(e) => {
          const c = canned.find((x) => x.id === e.currentTarget.value);
          if (c) setDraft((d) => (d ? `${d}\n` : '') + fillPlaceholders(c.body, { ticket: p.ticket, me: p.me }));
        }}>
          <option value="">{t('composer.canned')}</option>
          {options.map((c) => <option value={c.id} translate={false}>{t(`locale.short.${c.locale}`)} · {c.title}</option>)}
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
        ref={area}
        rows={4}
        value={draft}
        aria-label={mode === 'reply' ? t('composer.reply', { channel }) : t('composer.note')}
        placeholder={mode === 'reply' ? t('composer.placeholderReply') : t('composer.placeholderNote')}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          typing(true);
        }}
        onPaste={(e) => {
          const pasted = [...(e.clipboardData?.files ?? [])];
          if (pasted.length) {
            e.preventDefault();
            addFiles(pasted);
          }
        }}
        onBlur={() => lastTyping.current && typing(false)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) (e.preventDefault(), void send(p.lastMessageId));
        }}
      />
      {files.length > 0 && (
        <ul class="uploads" aria-label={t('composer.files')}>
          {files.map((f) => (
            <li key={f.key} class={`upload ${f.status}`} data-upload={f.status}>
              {f.preview ? <img src={f.preview} alt="" /> : <Icon name="clip" />}
              <span class="fname" translate={false}>{f.file.name || t('composer.pastedImage')}</span>
              <span class="muted small">{f.status === 'uploading' ? t('composer.uploading') : f.status === 'failed' ? f.error : `${Math.ceil(f.file.size / 1024)} KB`}</span>
              <button type="button" class="link" onClick={() => removeFile(f.key)}>
                <span aria-hidden="true">×</span>
                <DataLabel text={t('composer.removeFile', { name: DATA_SLOT })} name={f.file.name || t('composer.pastedImage')} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      <div class="actions">
        <input type="file" multiple ref={picker} class="visually-hidden" tabIndex={-1} aria-hidden="true" name="file" onChange={(e) => (e.currentTarget.files && addFiles(e.currentTarget.files), (e.currentTarget.value = ''))} />
        <button type="button" class="attach" onClick={() => picker.current?.click()}>
          <Icon name="clip" /> {t('composer.attach')}
        </button>
        <span class="muted small hint">{t('composer.hint')}</span>
        <span class="spacer" />
        <button type="submit" class="primary" disabled={!canSend || shut}>{mode === 'reply' ? t('composer.send') : t('composer.sendNote')}</button>
      </div>
    </form>
  );
}
