// The embeddable chat widget: `<script src="https://help.example.com/chat-widget.js" data-team="support">`.
// Vanilla DOM inside a shadow root; every text from people is set as textContent, never as HTML.
import { io, Socket } from 'socket.io-client';
import type { ChatErrorAck, ServerToVisitor, SessionPayload, VisitorMessage, VisitorToServer } from '../src/channels/chat/chat.events';
import { errorText, words, WIDGET_WORDS, type Words } from './i18n';
import { css } from './styles';
import { suggestArticles } from './suggestions';

type Pending = { clientId: string; body: string; failed?: boolean; attachments?: string[]; error?: string };
interface Stored {
  token?: string;
  lastId?: string;
  profile?: { name?: string; email?: string; phone?: string };
  messages?: VisitorMessage[];
  pending?: Pending[];
  /** the window was open: it opens again after a reload */
  open?: boolean;
  /** the language the visitor chose with the switch */
  locale?: 'en' | 'zh-CN';
}

const KEY = 'aftercare-chat';
const KEEP = 100;
const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src ? new URL(script.src).origin : location.origin;
const team = script?.dataset.team || undefined;
const load = (): Stored => {
  try {
    return JSON.parse(localStorage.getItem(KEY) || '{}') as Stored;
  } catch {
    return {};
  }
};
let store = load();
let { locale, t } = store.locale ? { locale: store.locale, t: WIDGET_WORDS[store.locale] as Words } : words(navigator.language || 'en');
const save = () => {
  store.messages = (store.messages ?? []).slice(-KEEP);
  try {
    localStorage.setItem(KEY, JSON.stringify(store));
  } catch {
    /* private mode: the chat still works, it just does not survive a reload */
  }
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...kids: (Node | string | null)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = String(v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v as EventListener);
    else if (typeof v === 'boolean') (e as unknown as Record<string, unknown>)[k] = v;
    else e.setAttribute(k, String(v));
  }
  for (const kid of kids) if (kid !== null) e.append(typeof kid === 'string' ? document.createTextNode(kid) : kid);
  return e;
}

// ---- the DOM -------------------------------------------------------------------------------------
const host = el('div', { id: 'aftercare-chat' });
const root = host.attachShadow({ mode: 'open' });
root.append(el('style', {}, css));
const fab = el('button', { class: 'fab', part: 'button', onclick: () => toggle(true) }, t.open);
const statusLine = el('div', { class: 'status', role: 'status' });
const body = el('div', { class: 'body', role: 'log', 'aria-live': 'polite' });
const typingLine = el('div', { class: 'typing' });
const input = el('textarea', { name: 'message', placeholder: t.placeholder, maxlength: 5000, 'aria-label': t.placeholder });
const photoInput = el('input', { type: 'file', accept: 'image/*,video/mp4', hidden: true, name: 'photo', onchange: () => sendPhotos() });
const photoBtn = el('button', { type: 'button', class: 'photo', 'aria-label': t.photo, title: t.photo, onclick: () => photoInput.click() }, '📷');
const sendBtn = el('button', { type: 'submit' }, t.send);
const composer = el('form', { class: 'composer', onsubmit: (e: Event) => (e.preventDefault(), submitMessage()) }, photoBtn, photoInput, input, sendBtn);
const endBtn = el('button', { type: 'button', onclick: () => showEnd(), hidden: true }, t.end);
const suggestBox = el('div', { class: 'suggest', 'aria-live': 'polite', hidden: true });
const callbackBtn = el('button', { type: 'button', class: 'link', onclick: () => showCallback() }, t.callback);
const titleEl = el('span', { class: 'title' }, t.title);
// the switch names the other language in that language ("中文" / "English")
const langBtn = el('button', { type: 'button', class: 'lang', 'data-lang': '', onclick: () => switchLanguage() }, t.otherLanguage);
const closeBtn = el('button', { type: 'button', 'aria-label': t.close, onclick: () => toggle(false) }, '×');
const panel = el('div', { class: 'panel', hidden: true, role: 'dialog', 'aria-label': t.title }, el('div', { class: 'head' }, titleEl, langBtn, endBtn, closeBtn), statusLine, body, typingLine, suggestBox, composer, callbackBtn);
// Everything sits in one wrapper whose font, line-height and colours are set here: the host element
// can be styled by the page (its rules beat :host), the wrapper cannot.
const frame = el('div', { class: 'frame', lang: locale }, fab, panel);
root.append(frame);
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) (e.preventDefault(), submitMessage());
  else sendTyping();
});

// While the first message is being typed (no chat yet), public help articles are suggested; one
// that answers the question ends here, without a ticket, and counts as a deflection.
const suggestions = suggestArticles({
  base,
  locale: () => locale,
  input,
  box: suggestBox,
  words: () => t,
  active: () => !session?.ticketNumber && !(store.messages ?? []).length && !(store.pending ?? []).length,
  visitorToken: () => store.token,
  done: () => {
    input.value = '';
    body.append(el('p', { class: 'note answered-note' }, t.answeredThanks));
  },
});

// ---- state ---------------------------------------------------------------------------------------
let socket: Socket<ServerToVisitor, VisitorToServer> | null = null;
let session: SessionPayload | null = null;
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let lastTyping = 0;
const shown = new Map<string, HTMLElement>(); // message id or clientId → element

function toggle(open: boolean) {
  panel.hidden = !open;
  fab.hidden = open;
  store.open = open;
  save();
  if (open) {
    start();
    scrollToNewest();
  }
}

/** The newest message in view (after a reload, when the window opens, when one arrives). */
function scrollToNewest() {
  requestAnimationFrame(() => (body.scrollTop = body.scrollHeight));
}

/** The visitor's language switch: every text of the window in the other language, and the server told on reconnect. */
function switchLanguage() {
  ({ locale, t } = { locale: locale === 'zh-CN' ? 'en' : 'zh-CN', t: WIDGET_WORDS[locale === 'zh-CN' ? 'en' : 'zh-CN'] as Words });
  store.locale = locale;
  save();
  frame.lang = locale;
  fab.textContent = t.open;
  titleEl.textContent = t.title;
  panel.setAttribute('aria-label', t.title);
  langBtn.textContent = t.otherLanguage;
  endBtn.textContent = t.end;
  closeBtn.setAttribute('aria-label', t.close);
  callbackBtn.textContent = t.callback;
  input.placeholder = t.placeholder;
  input.setAttribute('aria-label', t.placeholder);
  sendBtn.textContent = t.send;
  photoBtn.setAttribute('aria-label', t.photo);
  photoBtn.title = t.photo;
  suggestions.clear(); // asked again in the new language as the visitor types
  if (!socket) showPrechat();
  else renderAll();
}

function start() {
  if (socket) return;
  if (store.token || store.profile) connect();
  else showPrechat();
}

function connect() {
  renderAll();
  socket = io(`${base}/chat`, {
    transports: ['websocket', 'polling'],
    // a function: every reconnect sends the newest id seen, so the server replays only what was missed
    auth: (cb) => cb({ ...clean(store.profile), visitorToken: store.token, lastMessageId: store.lastId, locale, team }),
  });
  socket.on('connect', () => {
    setStatus('');
    for (const p of store.pending ?? []) void deliver(p);
  });
  socket.on('disconnect', () => setStatus(t.reconnecting));
  socket.on('session', (s) => {
    session = s;
    store.token = s.visitorToken;
    save();
    endBtn.hidden = !s.ticketNumber;
    if (!s.ticketNumber && !s.agentsOnline && !(store.pending ?? []).length) return showOffline();
    composer.hidden = false;
    if (s.agent) setStatus(t.joined(s.agent.name));
    else if (s.ticketNumber) setStatus(s.position ? t.position(s.position) : t.waiting);
  });
  socket.on('message:new', (m) => {
    addMessage(m);
    if (m.author.type === 'agent') typingLine.textContent = '';
  });
  socket.on('agent:joined', (a) => setStatus(t.joined(a.name)));
  socket.on('queue:position', (p) => session?.agent || setStatus(t.position(p.position)));
  socket.on('typing', (p) => {
    typingLine.textContent = p.typing ? t.typing(p.name ?? '') : '';
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => (typingLine.textContent = ''), 4000);
  });
}

const clean = (o: Record<string, string | undefined> | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v));
const setStatus = (s: string) => (statusLine.textContent = s);
const isError = (r: unknown): r is ChatErrorAck => !!r && typeof r === 'object' && 'error' in r;
const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

// ---- messages ------------------------------------------------------------------------------------
function renderAll() {
  body.replaceChildren();
  shown.clear();
  for (const m of store.messages ?? []) addMessage(m, false);
  for (const p of store.pending ?? []) addPending(p);
}

function bubble(kind: string, who: string, text: string, files: VisitorMessage['attachments'] = []): HTMLElement {
  const node = el('div', { class: `msg ${kind}` }, el('span', { class: 'who' }, who), text);
  for (const a of files) node.append(attachmentView(a));
  return node;
}

/** A file of the chat: a photo shown small (fetched with the visitor token), anything else by name. */
function attachmentView(a: VisitorMessage['attachments'][number]): HTMLElement {
  if (!a.contentType.startsWith('image/') || !store.token) return el('span', { class: 'file' }, `📎 ${a.filename}`);
  const img = el('img', { class: 'photo-thumb', alt: a.filename });
  fetch(`${base}/api/chat/attachments/${a.id}`, { headers: { 'X-Visitor-Token': store.token } })
    .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
    .then((b) => ((img.src = URL.createObjectURL(b)), img.addEventListener('load', scrollToNewest, { once: true })))
    .catch(() => img.replaceWith(el('span', { class: 'file' }, `📎 ${a.filename}`)));
  return img;
}

function addMessage(m: VisitorMessage, persist = true) {
  if (shown.has(m.id)) return;
  const mine = m.clientId ? shown.get(m.clientId) : undefined;
  const node = bubble(m.author.type, m.author.type === 'customer' ? t.you : m.author.name, m.body, m.attachments ?? []);
  node.dataset.id = m.id;
  if (mine) mine.replaceWith(node);
  else body.append(node);
  shown.set(m.id, node);
  if (persist) {
    store.messages = [...(store.messages ?? []), m];
    store.pending = (store.pending ?? []).filter((p) => p.clientId !== m.clientId);
    if (!store.lastId || m.id > store.lastId) store.lastId = m.id; // ids grow with time; the server replays with overlap
    save();
  }
  scrollToNewest();
}

function addPending(p: Pending) {
  const node = bubble(`customer ${p.failed ? 'failed' : 'pending'}`, p.failed ? p.error || t.notSent : p.attachments?.length ? t.photoSending : t.sending, p.body || (p.attachments?.length ? t.photoSent : ''));
  node.addEventListener('click', () => p.failed && ((p.failed = false), node.classList.replace('failed', 'pending'), void deliver(p)));
  shown.get(p.clientId)?.remove();
  shown.set(p.clientId, node);
  body.append(node);
  scrollToNewest();
}

function submitMessage() {
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  suggestions.clear();
  const p: Pending = { clientId: newId(), body: text };
  store.pending = [...(store.pending ?? []), p];
  save();
  addPending(p);
  void deliver(p);
}

/** Sends one message until acknowledged; the same clientId on every try, so the server stores it once. */
async function deliver(p: Pending) {
  if (!socket?.connected) return; // sent again on the next connect
  let res: Awaited<ReturnType<typeof emit>>;
  try {
    res = await emit(p);
  } catch {
    return; // no ack in time: the next connect retries
  }
  if (isError(res)) {
    if (res.error.code === 'rate_limited') return void setTimeout(() => deliver(p), 3000);
    p.failed = true;
    p.error = errorText(t, res.error.code);
    save();
    return addPending(p);
  }
  endBtn.hidden = false;
  // the echo (message:new) brings the stored message with its files; until then the bubble stands
  if (!p.attachments?.length) addMessage({ id: res.id, ticketNumber: res.ticketNumber, author: { type: 'customer', name: t.you }, body: p.body, createdAt: new Date().toISOString(), clientId: p.clientId, attachments: [] });
}
const emit = (p: Pending) => socket!.timeout(10000).emitWithAck('message:send', { body: p.body, clientId: p.clientId, ...(p.attachments?.length ? { attachments: p.attachments } : {}) });

/**
 * The visitor's photos: each is uploaded over HTTP with the visitor token (size and type checked by
 * the server, 413/415 shown in words), then sent as a message that names the upload.
 */
async function sendPhotos() {
  const files = [...(photoInput.files ?? [])];
  photoInput.value = '';
  if (!files.length) return;
  if (!store.token) return setStatus(t.error);
  for (const file of files) {
    const res = await fetch(`${base}/api/chat/attachments?filename=${encodeURIComponent(file.name || 'photo.jpg')}`, {
      method: 'POST',
      headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-Visitor-Token': store.token },
      body: file,
    }).catch(() => null);
    const data = res ? await res.json().catch(() => ({})) : {};
    if (!res || !res.ok) {
      setStatus(errorText(t, data?.error?.code, { max: Math.floor(Number(data?.error?.details?.maxBytes ?? 0) / 1048576) }));
      continue;
    }
    setStatus('');
    const text = input.value.trim();
    input.value = '';
    const p: Pending = { clientId: newId(), body: text, attachments: [data.id as string] };
    store.pending = [...(store.pending ?? []), p];
    save();
    addPending(p);
    void deliver(p);
  }
}

function sendTyping() {
  const now = Date.now();
  if (now - lastTyping < 2000 || !socket?.connected) return;
  lastTyping = now;
  socket.emit('typing', { typing: true });
}

// ---- forms ---------------------------------------------------------------------------------------
function field(name: string, label: string, type = 'text', required = false) {
  return el('input', { name, type, placeholder: label, 'aria-label': label, required });
}

function formView(className: string, ...kids: Node[]) {
  composer.hidden = true;
  body.replaceChildren(el('form', { class: className }, ...kids));
  return body.querySelector('form')!;
}

function showPrechat() {
  const f = formView('prechat', el('p', {}, t.intro), field('name', t.name), field('email', t.email, 'email'), field('phone', t.phone, 'tel'), el('button', { type: 'submit' }, t.start));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const d = new FormData(f);
    store.profile = { name: String(d.get('name') || ''), email: String(d.get('email') || ''), phone: String(d.get('phone') || '') };
    save();
    composer.hidden = false;
    connect();
  });
}

function showOffline() {
  setStatus(t.offline);
  const msg = el('textarea', { name: 'body', placeholder: t.message, required: true, rows: 4 });
  const f = formView('offline', field('name', t.name, 'text', true), field('email', t.email, 'email', true), field('phone', t.phone, 'tel'), msg, el('button', { type: 'submit' }, t.leaveMessage));
  (f.elements.namedItem('name') as HTMLInputElement).value = store.profile?.name ?? '';
  (f.elements.namedItem('email') as HTMLInputElement).value = store.profile?.email ?? '';
  const clientId = newId();
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const d = Object.fromEntries(new FormData(f)) as Record<string, string>;
    const res = await socket!.timeout(10000).emitWithAck('offline:message', { name: d.name, email: d.email, body: d.body, clientId, ...(d.phone ? { phone: d.phone } : {}) }).catch(() => null);
    if (!res || isError(res)) return setStatus(res ? errorText(t, res.error.code) : t.error);
    body.replaceChildren(el('p', { class: 'note' }, t.offlineSent(res.ticketNumber)));
  });
}

function showCallback() {
  if (!socket) connect();
  const f = formView('callback', el('p', {}, t.callbackAsk), field('phone', t.phone, 'tel', true), el('button', { type: 'submit' }, t.submit));
  (f.elements.namedItem('phone') as HTMLInputElement).value = store.profile?.phone ?? '';
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const phone = String(new FormData(f).get('phone') || '');
    const res = await socket?.timeout(10000).emitWithAck('callback:request', { phone }).catch(() => null);
    if (!res || isError(res)) return setStatus(t.error);
    renderAll();
    composer.hidden = false;
    body.append(el('p', { class: 'note' }, t.callbackDone));
  });
}

function showEnd() {
  let score = 0;
  const stars = el('div', { class: 'stars' });
  for (let i = 1; i <= 5; i++) {
    stars.append(el('button', { type: 'button', 'aria-label': `${i}`, onclick: () => ((score = i), stars.querySelectorAll('button').forEach((b, j) => b.classList.toggle('on', j < i))) }, '★'));
  }
  const transcript = el('input', { type: 'checkbox', name: 'transcript' });
  const email = field('email', t.email, 'email');
  (email as HTMLInputElement).value = store.profile?.email ?? '';
  const f = formView('end', el('p', {}, t.ended), el('p', {}, t.rate), stars, el('textarea', { name: 'comment', placeholder: t.comment, rows: 2 }), el('label', { class: 'check' }, transcript, t.transcript), email, el('button', { type: 'submit' }, t.submit));
  endBtn.hidden = true;
  void socket?.timeout(10000).emitWithAck('chat:end', {}).catch(() => null);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const comment = String(new FormData(f).get('comment') || '').trim();
    if (score) await socket?.timeout(10000).emitWithAck('chat:rate', { score, ...(comment ? { comment } : {}) }).catch(() => null);
    const sent = transcript.checked ? await socket?.timeout(10000).emitWithAck('chat:end', { transcript: true, ...(email.value ? { email: email.value } : {}) }).catch(() => null) : null;
    // the transcript goes only to an address the visitor proved: a code by mail first
    if (isError(sent) && sent.error.code === 'email_unverified' && email.value) return showCode(email.value);
    finished();
  });
}

function finished() {
  store.messages = [];
  store.lastId = undefined;
  save();
  body.replaceChildren(el('p', { class: 'note' }, t.thanks), el('button', { type: 'button', onclick: () => ((composer.hidden = false), renderAll(), setStatus('')) }, t.newChat));
}

async function showCode(email: string) {
  const asked = await socket?.timeout(10000).emitWithAck('email:verify', { email }).catch(() => null);
  if (!asked || isError(asked)) return (setStatus(t.error), finished());
  const code = el('input', { name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, placeholder: t.code, 'aria-label': t.code, required: true });
  const f = formView('verify', el('p', {}, t.codeSent(email)), code, el('button', { type: 'submit' }, t.submit));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ok = await socket?.timeout(10000).emitWithAck('email:confirm', { code: code.value.trim() }).catch(() => null);
    if (!ok || isError(ok)) return setStatus(t.wrongCode);
    setStatus('');
    await socket?.timeout(10000).emitWithAck('chat:end', { transcript: true }).catch(() => null);
    finished();
  });
}

document.body.append(host);
// A visitor with a chat in progress gets its replies even before reopening the window; a window
// left open opens again after a reload, showing the newest messages.
if (store.open) toggle(true);
else if (store.token && (store.messages?.length || store.pending?.length)) connect();
