import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { errorText } from '../errors';
import { useT } from '../i18n';
import { emitAck, isError, Live, useLive } from '../live';
import { isLead, type Me } from '../session';
import { useShortcut } from '../shortcuts';
import { teamName, useTeams } from '../teams';
import { ChannelIcon, Due, Icon } from './common';
import { Composer, type ComposerMode } from './Composer';
import { CustomerPanel } from './CustomerPanel';
import { TicketFields } from './TicketFields';
import { Timeline } from './Timeline';
import type { Message, Ticket } from '../types';
import { QuotePanel } from './parts/QuotePanel';
import { WorkOrderPanel } from './workorders/WorkOrderPanel';
import { TicketUnit } from './units/TicketUnit';
import type { Unit } from './units/units-common';

/** A ticket as GET /api/tickets/:number answers it: with the linked unit and its warranty. */
type TicketWithUnit = Ticket & { unit?: Unit | null };

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TYPES = ['inquiry', 'fault', 'complaint', 'return', 'warranty'];

/**
 * One ticket: header with its fields, who else is here, the whole timeline, the composer, the
 * customer. Opening a ticket moves the focus to its title; `r`, `n` and `a` reply, note and claim.
 */
export function TicketView({ me, number, backHref }: { me: Me; number: number | null; backHref: string }) {
  const { t, locale } = useT();
  const socket = useContext(Live);
  const teams = useTeams();
  const [ticket, setTicket] = useState<TicketWithUnit | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [others, setOthers] = useState<{ viewers: { id: string; name: string }[]; typing: { id: string; name: string }[] }>({ viewers: [], typing: [] });
  const [agents, setAgents] = useState<{ id: string; name: string }[]>([]);
  const [mode, setMode] = useState<ComposerMode>('reply');
  const [focusComposer, setFocusComposer] = useState(0);
  const title = useRef<HTMLHeadingElement>(null);

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
      .catch((err) => !gone && setError(errorText(err, t)));
    return () => {
      gone = true;
    };
  }, [number]);

  // the opened ticket takes the focus (keyboard and screen-reader users land on its title)
  useEffect(() => {
    if (ticket?.number === number) title.current?.focus();
  }, [ticket?.id]);

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
  // a summary older than the one shown (a message's, sent once per burst, after a change from another node) changes nothing
  const merge = (p: Partial<Ticket> & { updatedAt?: string }) => setTicket((old) => (old && !(p.updatedAt && old.updatedAt && p.updatedAt < old.updatedAt) ? { ...old, ...p } : old));
  useLive('message:new', (p) => {
    if (p.ticketNumber !== number) return;
    setMessages((list) => (list.some((m) => m.id === p.message.id) ? list.map((m) => (m.id === p.message.id ? p.message : m)) : [...list, p.message]));
    if (p.ticket) merge(p.ticket); // counters, preview and clocks the message changed (a chat line brings no ticket:updated)
  });
  useLive(['ticket:updated', 'ticket:assigned'], (p) => p.number === number && merge(p));

  const patch = async (body: Record<string, unknown>) => {
    if (!ticket) return;
    try {
      const changed = await api<Ticket>(`/api/tickets/${ticket.number}`, { method: 'PATCH', body });
      setTicket((old) => ({ ...changed, unit: old?.unit }));
      setError(null);
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  useShortcut(['reply', 'note', 'assignMe'], (action) => {
    if (!ticket) return;
    if (action === 'assignMe') {
      if (ticket.assignee?.id !== me.id && (!ticket.assignee || isLead(me))) void patch({ assignee: me.id });
      return;
    }
    setMode(action === 'note' ? 'note' : 'reply');
    setFocusComposer((n) => n + 1);
  });

  if (!number) return <section class="ticket empty muted" aria-live="polite">{t('ticket.none')}</section>;
  const back = (
    <a class="back-link" href={backHref}>
      <span aria-hidden="true">←</span> {t('ticket.back')}
    </a>
  );
  if (error && !ticket) return <section class="ticket">{back}<p class="error" role="alert">{t('error.generic', { message: error })}</p></section>;
  if (!ticket) return <section class="ticket muted">{back}{t('ticket.loading')}</section>;

  const reloadTicket = () => void api<TicketWithUnit>(`/api/tickets/${ticket.number}`).then(setTicket).catch(() => undefined);

  const otherViewers = others.viewers.filter((v) => v.id !== me.id);
  const otherTyping = others.typing.filter((v) => v.id !== me.id);
  const due = [ticket.sla?.firstResponse, ticket.sla?.nextResponse, ticket.sla?.resolution].filter((x) => x && x.dueAt && (x.status === 'active' || x.status === 'breached'))[0];
  const assignable = [...agents, ...(ticket.assignee && !agents.some((a) => a.id === ticket.assignee!.id) ? [ticket.assignee] : [])];

  return (
    <div class="ticket-area">
      <section class="ticket" aria-labelledby="ticket-title">
        <header class="ticket-head">
          {back}
          <h2 id="ticket-title" tabIndex={-1} ref={title}>
            <ChannelIcon channel={ticket.channel} /> <span class="num">#{ticket.number}</span> <span class="subject-text" translate={false}>{ticket.subject}</span>
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
            <label>{t('ticket.team')}
              <select name="team" value={ticket.team} onChange={(e) => patch({ team: e.currentTarget.value })}>
                {teams.filter((x) => x.active || x.key === ticket.team).map((x) => <option value={x.key}>{teamName(teams, x.key, locale)}</option>)}
                {!teams.some((x) => x.key === ticket.team) && <option value={ticket.team}>{ticket.team}</option>}
              </select>
            </label>
            <label>{t('ticket.assignee')}
              {isLead(me) ? (
                <select name="assignee" value={ticket.assignee?.id ?? ''} onChange={(e) => patch({ assignee: e.currentTarget.value || null })}>
                  <option value="">{t('ticket.nobody')}</option>
                  {assignable.map((a) => <option value={a.id} translate={false}>{a.name}</option>)}
                </select>
              ) : (
                <span class="value" translate={ticket.assignee ? false : undefined}>{ticket.assignee?.name ?? t('ticket.nobody')}</span>
              )}
            </label>
            {ticket.assignee?.id !== me.id && (!ticket.assignee || isLead(me)) && (
              <button type="button" class="claim" onClick={() => patch({ assignee: me.id })} title={t('shortcuts.assignMe')}>{t('ticket.claim')}</button>
            )}
            {(ticket.status === 'solved' || ticket.status === 'closed') && <a class="button" href={`#/kb/new?ticket=${ticket.number}`} data-action="article-from-ticket">{t('kb.fromTicket')}</a>}
            {due && <Due dueAt={due.dueAt} status={due.status} />}
            {ticket.sla?.policy && <span class="muted small sla-policy">{t('ticket.policy', { name: '' })}<span translate={false}>{ticket.sla.policy}</span></span>}
          </div>
          <TicketFields ticket={ticket} onTicket={setTicket} />
          {error && <p class="error" role="alert">{t('error.generic', { message: error })}</p>}
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
        <Composer
          onTicket={setTicket}
          me={me}
          ticket={ticket}
          mode={mode}
          onMode={setMode}
          focusToken={focusComposer}
          lastMessageId={messages.length ? messages[messages.length - 1].id : null}
          onSent={(m) => setMessages((list) => (list.some((x) => x.id === m.id) ? list : [...list, m]))}
          reload={() => loadMessages(ticket.number)}
        />
      </section>
      <div class="side">
        <CustomerPanel number={ticket.number} me={me} />
        <WorkOrderPanel ticketNumber={ticket.number} />
        <QuotePanel ticketNumber={ticket.number} me={me} />
      </div>
    </div>
  );
}
