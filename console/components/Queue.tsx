import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { errorText } from '../errors';
import { useT } from '../i18n';
import { useListNav } from '../listnav';
import { useDebounced, useLive } from '../live';
import { go } from '../router';
import type { QueueItem } from '../types';
import { ChannelIcon, Due } from './common';

export type { QueueItem } from '../types';


/** One row of a ticket list (the live queue, search results). */
export function TicketRow({ it, selected, href }: { it: QueueItem; selected: boolean; href: string }) {
  const { t } = useT();
  return (
    <li key={it.id} class={`qi prio-${it.priority} ${selected ? 'selected' : ''}`} data-number={it.number}>
      <a href={href} aria-current={selected ? 'true' : undefined}>
        <div class="row">
          <ChannelIcon channel={it.channel} />
          <span class="num">#{it.number}</span>
          <span class="subject" translate={false}>{it.subject}</span>
        </div>
        <div class="row small wrap">
          <span class={`badge st-${it.status}`}>{t(`status.${it.status}`)}</span>
          <span class={`badge pr-${it.priority}`}>{t(`priority.${it.priority}`)}</span>
          <span class="muted cust" translate={false}>{it.customer.name}</span>
          <span class="spacer" />
          <Due dueAt={it.dueAt} status={it.slaStatus} />
        </div>
        <div class="row small muted">
          <span class="preview" translate={false}>{it.preview}</span>
          <span class="spacer" />
          <span class="who">{it.assignee ? <span translate={false}>{it.assignee.name}</span> : <em>{t('queue.unassigned')}</em>}</span>
        </div>
      </a>
    </li>
  );
}

/** The live queue of the agent's teams, in the server's order (SLA due time, then priority). */
export function Queue({ selected }: { selected: number | null }) {
  const { t } = useT();
  const [items, setItems] = useState<QueueItem[]>([]);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const seq = useMemo(() => ({ n: 0 }), []);
  const load = async () => {
    const mine = ++seq.n;
    try {
      const page = await api<{ items: QueueItem[]; total: number }>('/api/queue?limit=50');
      if (mine !== seq.n) return; // a newer answer is on its way
      setItems(page.items);
      setTotal(page.total);
      setError(null);
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  const reload = useDebounced(() => void load(), 150);
  useEffect(() => {
    void load();
  }, []);
  // the order depends on every live ticket's due time: the server recomputes it on each event
  useLive(['ticket:created', 'ticket:updated', 'ticket:assigned', 'connect'], reload);
  // a chat line changes only its row's preview (its place stays): no ticket:updated comes for it, the message brings it
  useLive('message:new', (p) => {
    const t = p.ticket; // absent when only a delivery status changed
    if (t) setItems((list) => list.map((it) => (it.number === p.ticketNumber && !(it.updatedAt > t.updatedAt) ? { ...it, preview: t.preview, updatedAt: t.updatedAt } : it)));
  });
  useListNav(items.map((i) => i.number), selected, (n) => go(['ticket', n]));

  return (
    <section class="queue" aria-labelledby="queue-title">
      <h2 id="queue-title">
        {t('queue.title')} <span class="muted small">{t('queue.total', { count: total })}</span>
      </h2>
      {error && <p class="error">{t('error.generic', { message: error })}</p>}
      {!items.length && !error && <p class="muted">{t('queue.empty')}</p>}
      <ul class="tickets">
        {items.map((it) => <TicketRow key={it.id} it={it} selected={selected === it.number} href={`#/ticket/${it.number}`} />)}
      </ul>
    </section>
  );
}
