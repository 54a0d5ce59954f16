import { useContext, useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useT } from '../i18n';
import { emitAck, isError, Live, useLive } from '../live';
import { isLead, type Me } from '../session';
import type { Message, Ticket } from '../types';
import { ChannelIcon, Due, Icon } from './common';
import { Composer } from './Composer';
import { CustomerPanel } from './CustomerPanel';
import { TicketFields } from './TicketFields';
import { Timeline } from './Timeline';
import { WorkOrderPanel } from './workorders/WorkOrderPanel';
import { TicketUnit } from './units/TicketUnit';
import type { Unit } from './units/units-common';

/** A ticket as GET /api/tickets/:number answers it: with the linked unit and its warranty. */
type TicketWithUnit = Ticket & { unit?: Unit | null };

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['inquiry', 'fault', 'complaint', 'return', 'warranty'];

/** One ticket: header with its fields, who else is here, the whole timeline, the composer, the customer. */
export function TicketView({ me, number }: { me: Me; number: number | null }) {
  const { t } = useT();
  const socket = useContext(Live);
  const [ticket, setTicket] = useState<TicketWithUnit | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [others, setOthers] = useState<{ viewers: { id: string; name: string }[]; typing: { id: string; name: string }[] }>({ viewers: [], typing: [] });
  const [agents, setAgents] = useState<{ id: string; name: string }[]>([]);

  const loadMessages = async (n: number) => {
    const res = await api<{ messages: Message[] }>(`/api/tickets/${n}/messages`);
    setMessages(res.messages);
    return res.messages;
  };

  useEffect(() => {
    setTicket(null);
    setMessages([]);
    setError(null);
    setOthers({ viewers: [], typing: [] });
    if (!number) return;
    let gone = false;
    Promise.all([api<TicketWithUnit>(`/api/tickets/${number}`), loadMessages(number)])
      .then(([tk]) => {
        if (gone) return;
        setTicket(tk);
        if (isLead(me)) void api<{ agents: { id: string; name: string }[] }>(`/api/agents?team=${encodeURIComponent(tk.team)}`).then((r) => setAgents(r.agents)).catch(() => undefined);
      })
      .catch((err) => !gone && setError((err as Error).message));
    return () => {
      gone = true;
    };
  }, [number]);

  // collision: join the ticket's room while it is open; rejoin after a reconnect
  useEffect(() => {
    if (!number || !socket) return;
    const join = () => void emitAck(socket, 'ticket:join', { ticketNumber: number }).then((s) => !isError(s) && setOthers({ viewers: s.viewers, typing: s.typing }));
    join();
    socket.on('connect', join);
    return () => {
      socket.off('connect', join);
      socket.emit('ticket:leave', { ticketNumber: number }, () => undefined);
    };
  }, [number, socket]);

  useLive('presence:ticket', (p) => p.ticketNumber === number && setOthers({ viewers: p.viewers, typing: p.typing }));
  useLive('message:new', (p) => {
    if (p.ticketNumber !== number) return;
    setMessages((list) => (list.some((m) => m.id === p.message.id) ? list.map((m) => (m.id === p.message.id ? p.message : m)) : [...list, p.message]));
  });
  useLive(['ticket:updated', 'ticket:assigned'], (p) => p.number === number && setTicket((old) => (old ? { ...old, ...p } : old)));

  if (!number) return <section class="ticket empty muted">{t('ticket.none')}</section>;
  if (error) return <section class="ticket"><p class="error">{t('error.generic', { message: error })}</p></section>;
  if (!ticket) return <section class="ticket muted">{t('ticket.loading')}</section>;

  const reloadTicket = () => void api<TicketWithUnit>(`/api/tickets/${ticket.number}`).then(setTicket).catch(() => undefined);
  const patch = async (body: Record<string, unknown>) => {
    try {
      const changed = await api<Ticket>(`/api/tickets/${ticket.number}`, { method: 'PATCH', body });
      setTicket((old) => ({ ...changed, unit: old?.unit }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const otherViewers = others.viewers.filter((v) => v.id !== me.id);
  const otherTyping = others.typing.filter((v) => v.id !== me.id);
  const due = [ticket.sla?.firstResponse, ticket.sla?.nextResponse, ticket.sla?.resolution].filter((x) => x && x.dueAt && (x.status === 'active' || x.status === 'breached'))[0];

  return (
    <div class="ticket-area">
      <section class="ticket">
        <header class="ticket-head">
          <h2>
            <ChannelIcon channel={ticket.channel} /> <span class="num">#{ticket.number}</span> {ticket.subject}
          </h2>
          <div class="fields">
            <label>{t('ticket.status')}
              <select name="status" value={ticket.status} onChange={(e) => patch({ status: e.currentTarget.value })}>
                {STATUSES.map((s) => <option value={s} disabled={s === 'new' && ticket.status !== 'new'}>{t(`status.${s}`)}</option>)}
              </select>
            </label>
            <label>{t('ticket.priority')}
              <select name="priority" value={ticket.priority} onChange={(e) => patch({ priority: e.currentTarget.value })}>
                {PRIORITIES.map((s) => <option value={s}>{t(`priority.${s}`)}</option>)}
              </select>
            </label>
            <label>{t('ticket.type')}
              <select name="type" value={ticket.type} onChange={(e) => patch({ type: e.currentTarget.value })}>
                {TYPES.map((s) => <option value={s}>{t(`type.${s}`)}</option>)}
              </select>
            </label>
            <label>{t('ticket.assignee')}
              {isLead(me) ? (
                <select name="assignee" value={ticket.assignee?.id ?? ''} onChange={(e) => patch({ assignee: e.currentTarget.value || null })}>
                  <option value="">{t('ticket.nobody')}</option>
                  {[...agents, ...(ticket.assignee && !agents.some((a) => a.id === ticket.assignee!.id) ? [ticket.assignee] : [])].map((a) => <option value={a.id}>{a.name}</option>)}
                </select>
              ) : (
                <span class="value">{ticket.assignee?.name ?? t('ticket.nobody')}</span>
              )}
            </label>
            {!ticket.assignee && <button class="claim" onClick={() => patch({ assignee: me.id })}>{t('ticket.claim')}</button>}
            {(ticket.status === 'solved' || ticket.status === 'closed') && <a class="button" href={`#/kb/new?ticket=${ticket.number}`} data-action="article-from-ticket">{t('kb.fromTicket')}</a>}
            <span class="muted small">{t('ticket.team')}: {ticket.team}</span>
            {due && <Due dueAt={due.dueAt} status={due.status} />}
          </div>
          <TicketFields ticket={ticket} onTicket={setTicket} />
          {(otherViewers.length > 0 || otherTyping.length > 0) && (
            <div class="collision" data-testid="collision">
              {otherViewers.length > 0 && <span class="viewers"><Icon name="eye" /> {t('ticket.alsoViewing', { names: otherViewers.map((v) => v.name).join(', ') })}</span>}
              {otherTyping.length > 0 && <span class="typing"><Icon name="pen" /> {t('ticket.typing', { names: otherTyping.map((v) => v.name).join(', ') })}</span>}
            </div>
          )}
          <TicketUnit ticket={ticket} me={me} onChanged={reloadTicket} />
          {ticket.identity && !ticket.identity.verified && (ticket.identity.claimed.email || ticket.identity.claimed.phone) && (
            <div class="identity" data-testid="unverified">
              {t(ticket.identity.matched ? 'ticket.unverifiedMatched' : 'ticket.unverified', { claim: [ticket.identity.claimed.email, ticket.identity.claimed.phone].filter(Boolean).join(', ') })}
            </div>
          )}
        </header>
        <Timeline messages={messages} />
        <Composer onTicket={setTicket} me={me} ticket={ticket} lastMessageId={messages.length ? messages[messages.length - 1].id : null} onSent={(m) => setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m]))} reload={() => loadMessages(ticket.number)} />
      </section>
      <div class="side">
        <CustomerPanel number={ticket.number} me={me} />
        <WorkOrderPanel ticketNumber={ticket.number} />
      </div>
    </div>
  );
}
