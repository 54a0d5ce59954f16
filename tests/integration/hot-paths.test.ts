import type { Job } from 'bullmq';
import type { Socket } from 'socket.io-client';
import type { EmailModule } from '../../src/channels/email/email.module';
import { CommandRecorder } from '../../src/infra/command-monitor';
import { buildMail } from '../fixtures/mail/build';
import { nextEvent, startTestApp, TestApp } from '../helpers/harness';
import { mailIntake } from '../helpers/mail-intake';

/**
 * The hot paths read by `_id` or a unique key only (issue #23): mongo-java-server ignores every
 * other index and scans, so a query by anything else costs time that grows with the collection
 * (MONGO-SUBSET.md). The driver's command monitoring records what each flow sends; a filter by
 * anything else (or an aggregate, a count, a find without a key) fails the flow, naming the command.
 * The app runs without workers: the test runs each job's processor itself, so that nothing but the
 * flow under test talks to the store while it is recorded (sweepers would).
 */
describe('hot paths read by _id or unique key only', () => {
  let app: TestApp;
  let rec: CommandRecorder;
  let mail: ReturnType<typeof mailIntake>;
  const to = 'support@demo.local';

  beforeAll(async () => {
    app = await startTestApp({ workers: false, monitorCommands: true, env: { TRUST_PROXY: 'loopback' } });
    rec = new CommandRecorder(app.c.conn).start();
    mail = mailIntake(app);
  });
  afterAll(async () => {
    rec.stop();
    await app.close();
  });

  /** Runs `flow` with the recorder reset, then fails with the commands that read by something else than a key. */
  async function guarded<T>(name: string, flow: () => Promise<T>, maxRoundTrips?: number): Promise<T> {
    await app.c.events.flush();
    rec.reset();
    const out = await flow();
    await app.c.events.flush();
    const scans = rec.scans().map((c) => c.why);
    // eslint-disable-next-line no-console
    if (process.env.HOT_PATHS_REPORT) console.log(`${name}: ${rec.commands.length} round trips: ${rec.describe()}\n  ${scans.join('\n  ')}`);
    if (!process.env.HOT_PATHS_REPORT) expect({ flow: name, scans }).toEqual({ flow: name, scans: [] });
    if (maxRoundTrips !== undefined && rec.commands.length > maxRoundTrips) throw new Error(`${name}: ${rec.commands.length} round trips, at most ${maxRoundTrips} wanted: ${rec.describe()}`);
    return out;
  }

  /** Runs the `mail-in` job of an accepted mail as a worker would, and answers its result. */
  async function ingest(jobId: string): Promise<Record<string, unknown>> {
    const job = (await app.c.queues.get('mail-in').getJob(jobId)) as Job;
    const email = mail.email() as EmailModule;
    return (await email.processors!()['mail-in']!.inbound(job)) as Record<string, unknown>;
  }

  let mailTicket = 0;

  it('ingests a mail into a new ticket, and a reply mail into it', async () => {
    const first = await mail.send(buildMail({ from: { name: 'Ann', address: 'ann@example.com' }, to, subject: 'Washer E4', messageId: '<hot-1@example.com>', text: 'Error E4.' }), { from: 'ann@example.com', to: [to] });
    // 9: the caller's contact look-up, customer and contact, the number, the ticket stored with
    // its SLA, already counting both messages and listing the mail's participants, its audit entry,
    // the mail and its acknowledgement in one insert, their two mail references and the mail's
    // intake record in one bulk write, and the effects journal cleared
    const r = await guarded('mail: new ticket', () => ingest(first), 9);
    expect(r).toMatchObject({ created: true });
    mailTicket = r.ticket as number;
    // the acknowledgement was stored with its headers, threaded to the mail, and its reference recorded
    const t = await app.c.models.Ticket.findOne({ number: mailTicket }).lean();
    const acks = await app.c.models.Message.find({ ticketId: t!._id, automatic: true }).lean();
    expect(acks).toHaveLength(1);
    expect(acks[0].mail).toMatchObject({ inReplyTo: '<hot-1@example.com>', references: ['<hot-1@example.com>'], to: ['ann@example.com'] });
    expect(acks[0].mail?.messageId).toMatch(/^<[\w-]+@/);
    expect(t).toMatchObject({ messageCount: 2, lastMessageId: String(acks[0]._id) });
    const email = mail.email() as EmailModule;
    expect(await app.c.conn.model('MailRef').findById(acks[0].mail!.messageId).lean()).toMatchObject({ direction: 'out', messageId: acks[0]._id });
    // its delivery: the message, the ticket and the customer read, the status written; no second
    // write of its headers, and the status change reaches only the agents' view
    const out = (await app.c.queues.get('mail-out').getJob(`reply-${acks[0]._id}`)) as Job;
    expect(await guarded('mail: acknowledgement delivered', () => email.processors!()['mail-out']!.reply(out), 4)).toEqual({ sent: acks[0].mail!.messageId });
    const second = await mail.send(buildMail({ from: { name: 'Ann', address: 'ann@example.com' }, to, subject: 'Re: Washer E4', messageId: '<hot-2@example.com>', inReplyTo: '<hot-1@example.com>', references: ['<hot-1@example.com>'], text: 'Still E4.' }), { from: 'ann@example.com', to: [to] });
    // 5: the reference, the ticket (its participants on it), the message, the ticket touched (the
    // sender's addresses added with it), the reference and the intake record in one bulk write
    const r2 = await guarded('mail: threaded', () => ingest(second), 5);
    expect(r2).toEqual({ ticket: mailTicket, created: false });
  });

  it('registers a ticket through the API for a new caller', async () => {
    const agent = await app.as('agent1@demo.local');
    // a signed-in agent at work: this node has read the session's agent before
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    // 8: the caller's contact look-up, customer and contact, the number, the ticket stored with its
    // SLA (and its state clock implied), its audit entry and first message, and the effects journal
    // cleared; the session's agent from the node's copy, and the view names the customer without
    // reading it back
    const res = await guarded(
      'api: new ticket',
      () => agent.post('/api/tickets').send({ channel: 'voice', subject: 'Washer fault', body: 'E3 after the spin cycle.', customer: { name: 'Caller', phone: '+86 13800000001' }, team: 'support' }),
      8,
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ subject: 'Washer fault', customer: { name: 'Caller' } });
    expect(res.body.sla).toMatchObject({ firstResponse: { status: 'active' } });
  });

  it('stores an agent reply', async () => {
    const agent = await app.as('agent1@demo.local');
    const res = await guarded('reply', () => agent.post(`/api/tickets/${mailTicket}/messages`).send({ body: 'Please unplug it for a minute.' }));
    expect(res.status).toBe(201);
  });

  it('opens the queue and a ticket with its customer panel', async () => {
    const agent = await app.as('agent1@demo.local');
    const q = await guarded('queue', () => agent.get('/api/queue?limit=50'), 1);
    expect(q.status).toBe(200);
    expect(q.body.items.map((t: { number: number }) => t.number)).toContain(mailTicket);
    // Ann writes about something else: a second ticket, which her panel lists beside the first
    const other = await ingest(await mail.send(buildMail({ from: { name: 'Ann', address: 'ann@example.com' }, to, subject: 'Dryer noise', messageId: '<hot-3@example.com>', text: 'It rattles.' }), { from: 'ann@example.com', to: [to] }));
    const panel = await guarded('customer panel', () => agent.get(`/api/tickets/${mailTicket}/customer`), 5);
    expect(panel.status).toBe(200);
    expect(panel.body.customer.emails).toEqual(['ann@example.com']);
    expect(panel.body.tickets.map((t: { number: number }) => t.number)).toEqual([other.ticket]);
  });

  /** A visitor on /chat with its session, and a send that answers the ack. */
  async function visitor(name: string, email: string) {
    const s: Socket = app.socket('/chat', { name, email, locale: 'zh-CN' });
    await nextEvent(s, 'session', () => true, 10000);
    return (body: string, clientId: string) => s.timeout(10000).emitWithAck('message:send', { body, clientId });
  }

  it('stores and delivers a message on an open chat', async () => {
    const agent = await app.agentSocket('agent1@demo.local');
    const send = await visitor('Wu', 'wu@example.cn');
    const first = await send('冰箱不制冷', 'c-1');
    expect(first.error).toBeUndefined();
    const seen = nextEvent(agent, 'message:new', (m: { message: { body: string } }) => m.message.body === '还是不行', 10000);
    const next = await guarded('chat: message on the open chat', async () => {
      const ack = await send('还是不行', 'c-2');
      await seen;
      return ack;
    }, 3); // the batch's one read of the tickets, one insert of the messages, one update of the tickets
    expect(next).toMatchObject({ ticketNumber: first.ticketNumber });
  });

  // Routing a new chat reads the team's online agents and each agent's live chats from Redis
  // (RoutingIndex), then the agents by _id: no filter on agents or tickets.
  it('opens and routes a new chat reading by _id or unique key only', async () => {
    const agent = await app.agentSocket('agent1@demo.local');
    expect(await agent.timeout(10000).emitWithAck('presence:set', { status: 'online' })).toMatchObject({ status: 'online' });
    // the widget's session says whether anyone can take the chat: the routing index, not a filter on the agents
    const send = await guarded('chat: a visitor connects', () => visitor('Zhao', 'zhao@example.cn'), 0);
    // 31: the new ticket (customer, contact, number, ticket, message, audit, state clock) and its
    // routing: the online agents re-read by _id, the assignment with its audit, timeline line and
    // observers (the agent's name is read by _id by each that shows it)
    const first = await guarded('chat: first message (new ticket)', () => send('洗衣机漏水', 'z-1'), 31);
    expect(first.error).toBeUndefined();
    const t = await app.c.models.Ticket.findOne({ number: first.ticketNumber }, { assigneeId: 1 }).lean();
    const agent1 = await app.c.models.Agent.findOne({ email: 'agent1@demo.local' }, { _id: 1 }).lean();
    expect(String(t?.assigneeId)).toBe(String(agent1?._id));
  });

  it('evaluates an SLA timer', async () => {
    const t = await app.c.models.Ticket.findOne({ number: mailTicket });
    const sla = app.c.modules.find((m) => m.name === 'sla')!;
    const job = { data: { ticketId: String(t!._id) }, name: 'breach', id: `sla-breach-${t!._id}`, attemptsMade: 0 } as unknown as Job;
    await guarded('sla timer', () => sla.processors!().sla!.breach(job), 1);
  });
});
