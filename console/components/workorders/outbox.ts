import { api, ApiError } from '../../api';

/**
 * The engineer's phone on a poor connection: each step (and the report) is kept in localStorage
 * with its clientId before it is sent, sent in order, and sent again — with the same clientId —
 * when the connection comes back, so the server stores it once. What the server refuses (4xx) is
 * dropped and reported; what could not reach it stays queued.
 */
export interface Pending {
  clientId: string;
  workOrderId: string;
  number: string;
  kind: 'step' | 'report';
  type?: string;
  reason?: string;
  at: string;
  body?: Record<string, unknown>;
}

const KEY = 'aftercare.outbox';
type Listener = (items: Pending[], failure?: { item: Pending; message: string; code: string }) => void;
const listeners = new Set<Listener>();
let flushing: Promise<void> | null = null;

export function pending(): Pending[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]') as Pending[];
  } catch {
    return [];
  }
}

function save(items: Pending[], failure?: Parameters<Listener>[1]): void {
  localStorage.setItem(KEY, JSON.stringify(items));
  for (const fn of listeners) fn(items, failure);
}

export function onOutbox(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function newClientId(): string {
  const rnd = crypto.getRandomValues(new Uint8Array(12));
  return `ph-${Array.from(rnd, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Queues an item (stored first), then tries to send everything queued. */
export function enqueue(item: Omit<Pending, 'clientId' | 'at'> & { clientId?: string }): Promise<void> {
  save([...pending(), { ...item, clientId: item.clientId ?? newClientId(), at: new Date().toISOString() }]);
  return flush();
}

/** Sends what is queued, oldest first; stops at the first item that cannot reach the server. */
export function flush(): Promise<void> {
  if (flushing) return flushing;
  const run = sendAll();
  flushing = run;
  // reset once settled (set here, after the assignment: sendAll may finish synchronously when nothing waits)
  void run.finally(() => {
    if (flushing === run) flushing = null;
  });
  return run;
}

async function sendAll(): Promise<void> {
  for (;;) {
    const [item] = pending();
    if (!item) return;
    try {
      if (item.kind === 'step') await api(`/api/work-orders/${item.workOrderId}/events`, { method: 'POST', body: { type: item.type, clientId: item.clientId, at: item.at, ...(item.reason ? { reason: item.reason } : {}) } });
      else await api(`/api/work-orders/${item.workOrderId}/report`, { method: 'POST', body: { ...item.body, clientId: item.clientId } });
      save(pending().filter((p) => p.clientId !== item.clientId));
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 408 && err.status !== 429) {
        // the server decided: keeping it would block every later step
        save(pending().filter((p) => p.clientId !== item.clientId), { item, message: err.message, code: err.code });
        continue;
      }
      return; // offline, a timeout or a server error: stays queued for the next try
    }
  }
}

let started = false;
/** Replays the queue when the browser is back online, and every 15 s while something waits. */
export function startOutbox(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => void flush());
  setInterval(() => pending().length && navigator.onLine && void flush(), 15_000);
  void flush();
}
