import type { Socket } from 'socket.io-client';
import { CHAT_LIMITS } from '../../src/channels/chat/chat.limits';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

type Ack = { id: string; ticketNumber: number; error?: { code: string; message: string } };
type Msg = { id: string; body: string; author: { type: string }; clientId?: string | null };
type Summary = { number: number; lastMessageId: string | null; preview: string; messageCount: number; updatedAt: string; changes?: string[] };

/**
 * A burst of chat messages on one open chat (issue #23): the messages are stored in group commits,
 * observers read the ticket lean, a chat line that changes no more of what the queue shows than its
 * preview brings the agents no `ticket:updated` (its `message:new` carries what it changed of the
 * ticket), the others' summaries go once per short window, and the visitor's echo goes to its other
 * sockets, not to the one that sent it (that one has its ack). Whatever is batched, coalesced or
 * left out, the visitor's other tab and the agent each see every message once and in order, and
 * right after the burst the agent's summaries (as the console merges them), the ticket and the live
 * queue show the ticket's last message; the SLA and the rules still act on the batched messages.
 */
describe('a burst of chat messages', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app.close());

  it('loses, doubles and reorders nothing for the visitor and the agent, and leaves the last message on the ticket and in the queue', async () => {
    const manager = await app.as('manager@demo.local');
    const rule = await manager.post('/api/automations').send({
      name: 'refund words',
      on: 'message.created',
      // the ticket's fields as the batch read them (its projection): a rule on the batched message sees them
      conditions: {
        all: [
          { field: 'message.body', op: 'contains', value: 'refund please' },
          { field: 'ticket.channel', op: 'equals', value: 'chat' },
          { field: 'ticket.subject', op: 'contains', value: 'dishwasher' },
          { field: 'customer.email', op: 'equals', value: 'burst@example.com' },
        ],
      },
      actions: [{ type: 'add_tags', tags: ['refund'] }],
    });
    expect(rule.status).toBe(201);

    const agent = await app.agentSocket('agent1@demo.local');
    const a1 = await app.as('agent1@demo.local');
    const s: Socket = app.socket('/chat', { name: 'Burst Visitor', email: 'burst@example.com', locale: 'en' });
    const session = await nextEvent<{ visitorToken: string }>(s, 'session', () => true, 10000);
    const send = (body: string, clientId: string): Promise<Ack> => s.timeout(20000).emitWithAck('message:send', { body, clientId });

    const opened = await send('My dishwasher does not drain', 'open');
    expect(opened.error).toBeUndefined();
    const number = opened.ticketNumber;
    // an agent answered: the visitor's next words start the SLA's next-response clock
    expect((await a1.post(`/api/tickets/${number}/messages`).send({ body: 'Is the filter clean?' })).status).toBe(201);
    // kept open (an agent may answer without waiting for the customer): the next words stay on the batched path
    expect((await a1.patch(`/api/tickets/${number}`).send({ status: 'open' })).status).toBe(200);
    const before = (await a1.get(`/api/tickets/${number}`)).body;
    expect(before.status).toBe('open');
    expect(['active', 'paused']).not.toContain(before.sla.nextResponse?.status);

    // the visitor's other tab: the same chat, resumed with the token
    const tab: Socket = app.socket('/chat', { visitorToken: session.visitorToken });
    expect(await nextEvent(tab, 'session', () => true, 10000)).toMatchObject({ ticketNumber: number });

    const toVisitor: Msg[] = [];
    const toSender: Msg[] = [];
    const toAgent: Msg[] = [];
    const withMessages: Summary[] = []; // what each message:new said it changed of the ticket
    const updates: Summary[] = [];
    const summaries: Summary[] = []; // every summary the agent got, message:new's and ticket:updated's, in arrival order
    tab.on('message:new', (m: Msg) => toVisitor.push(m));
    s.on('message:new', (m: Msg) => toSender.push(m));
    agent.on('message:new', (p: { ticketNumber: number; message: Msg; ticket: Summary }) => {
      if (p.ticketNumber !== number) return;
      toAgent.push(p.message);
      withMessages.push(p.ticket);
      summaries.push(p.ticket);
    });
    agent.on('ticket:updated', (t: Summary) => {
      if (t.number !== number) return;
      updates.push(t);
      summaries.push(t);
    });

    // the rest of the visitor's message budget, all sent at once
    const n = CHAT_LIMITS.messageSocket.points - 1;
    // all but the last two at once; then the rule's line and the last line each on its own, so that
    // the rule, the queue entry and the summaries of those two see the ticket as their batch read
    // it (within a batch, a line after an SLA write sees the SLA's re-read ticket instead)
    const bodies = Array.from({ length: n }, (_, i) => (i === n - 2 ? `line ${i}: refund please` : `line ${i}`));
    const acked = await Promise.all(bodies.slice(0, n - 2).map((b, i) => send(b, `burst-${i}`)));
    for (let i = n - 2; i < n; i++) acked.push(await send(bodies[i], `burst-${i}`));
    for (const a of acked) expect(a).toMatchObject({ ticketNumber: number, id: expect.any(String) });
    expect(new Set(acked.map((a) => a.id)).size).toBe(n);

    const customerBodies = (list: Msg[]) => list.filter((m) => m.author.type === 'customer' && m.body.startsWith('line ')).map((m) => m.body);
    await eventually(async () => customerBodies(toAgent).length >= n && customerBodies(toVisitor).length >= n, 10000);
    // each exactly once, in the order sent, on both sides
    expect(customerBodies(toVisitor)).toEqual(bodies);
    expect(customerBodies(toAgent)).toEqual(bodies);
    // the echoes are the stored messages the acks named
    expect(toVisitor.filter((m) => m.body.startsWith('line ')).map((m) => m.id)).toEqual(acked.map((a) => a.id));
    // the sending socket got its acks, not the echoes (each broadcast reached the other tab, on the same node, in the same turn)
    expect(customerBodies(toSender)).toEqual([]);
    // every message:new told the agent what it changed of the ticket
    expect(withMessages.map((x) => x?.number)).toEqual(toAgent.map(() => number));

    // stored once each, in order
    const all: (Msg & { kind: string; event?: { type: string } })[] = (await a1.get(`/api/tickets/${number}/messages`)).body.messages;
    const timeline = all.filter((m) => m.kind === 'message');
    expect(customerBodies(timeline)).toEqual(bodies);
    const last = timeline[timeline.length - 1];
    expect(last.body).toBe(bodies[n - 1]);
    // the ticket's last entry: the last message, or the rule's line if the rule ran after it was stored
    const lastEntry = all[all.length - 1];

    // right after the burst what the agent's console shows (the newer summary wins, TicketView), the ticket and the queue show the last message
    const shown = () => summaries.reduce<Summary | null>((cur, x) => (cur && x.updatedAt < cur.updatedAt ? cur : { ...cur, ...x }), null);
    const latest = await eventually(async () => (shown()?.lastMessageId === lastEntry.id ? shown() : null), 5000);
    expect(latest).toMatchObject({ preview: last.body, messageCount: all.length });
    // the lines changed only the preview: fewer whole summaries than messages (none for most lines, one per window for the rest)
    expect(updates.filter((u) => !u.changes).length).toBeLessThan(n);
    const ticket = (await a1.get(`/api/tickets/${number}`)).body;
    expect(ticket).toMatchObject({ lastMessageId: lastEntry.id, preview: last.body, messageCount: all.length, tags: ['refund'] });
    const queue = (await a1.get('/api/queue?limit=50')).body.items.find((i: { number: number }) => i.number === number);
    expect(queue).toMatchObject({ preview: last.body, assignee: ticket.assignee });
    // the queue's entry, written from the ticket as the batch read it (its projection), shows what the ticket shows
    const shows = ['id', 'number', 'subject', 'channel', 'status', 'priority', 'type', 'team', 'customer', 'createdAt'] as const;
    const pick = (t: Record<string, unknown>) => Object.fromEntries(shows.map((k) => [k, t[k]]));
    expect(pick(queue)).toEqual(pick(ticket));

    // the SLA saw the batched customer messages, and the rule applied once to the one that matched
    expect(ticket.sla.nextResponse.status).toMatch(/^(active|paused)$/);
    expect(all.filter((m) => m.event?.type === 'rule_applied')).toHaveLength(1);
    await manager.delete(`/api/automations/${rule.body.id}`).expect(204);
  });
});
