import type { Socket } from 'socket.io-client';
import type { TimerSet } from '../../src/infra/timer-set';
import { runWorkers } from '../../src/main/run-workers';
import type { SlaService } from '../../src/modules/sla/sla.service';
import { eventually, nextEvent, startSecondNode, startTestApp, TestApp } from '../helpers/harness';
import { buildCustomer, buildPolicy, buildTicketBody } from '../builders/ticket';

type Escalation = { id: string; ticketNumber: number; target: string; kind: 'warning' | 'breach'; level: number; dueAt: string };

/**
 * The SLA timers as the workers' timer loop over one Redis timer set: what a user notices when a
 * workers process dies after claiming a ticket, when two workers processes share the set, and
 * when Redis lost the set. Real deadlines of a few seconds.
 */
describe('SLA timer loop across workers processes', () => {
  let app: TestApp;
  let supervisor: Socket;
  const sla = (a: { c: TestApp['c'] } = app) => (a.c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
  const timers = () => (sla() as unknown as { d: { due: TimerSet } }).d.due;
  const key = () => `${app.c.config.queuePrefix}:due:sla`;
  const stored = async (id: string) => (await app.c.models.Ticket.findById(id).lean())!.sla!;
  let agent: Awaited<ReturnType<TestApp['as']>>;
  const ticket = async (fields: Parameters<typeof buildTicketBody>[0]) => {
    const res = await agent.post('/api/tickets').send(buildTicketBody({ customer: buildCustomer({ name: 'Chen Jie', phone: '+86 139 3333 4444' }), ...fields }));
    expect(res.status).toBe(201);
    return res.body as { id: string; number: number; sla: { firstResponse: { dueAt: string } } };
  };
  const policy = async (name: string, match: Record<string, string>, targets: Record<string, string>) => {
    const res = await (await app.as('manager@demo.local')).post('/api/sla-policies').send(buildPolicy({ name, match, targets }));
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    app = await startTestApp();
    supervisor = await app.agentSocket('supervisor@demo.local');
    agent = await app.as('agent1@demo.local');
  });
  afterAll(() => app.close());

  it('a breach claimed by a workers process that died mid-evaluation still escalates, once its lease ends', async () => {
    await policy('urgent warranty 3s', { priority: 'urgent', type: 'warranty' }, { firstResponse: 'PT3S' });
    await app.stopWorkers();
    const t = await ticket({ type: 'warranty', priority: 'urgent' });
    const due = Date.parse(t.sla.firstResponse.dueAt);
    const breach = nextEvent<Escalation>(supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach', 30_000);
    // a workers process claims the ticket once it is due (lease: 2 s past the due time), then dies before evaluating it
    await eventually(async () => app.clock.now().getTime() >= due, 10_000);
    const leaseEnd = due + 2000;
    expect((await timers().claim(app.clock.now().getTime(), 1000, leaseEnd)).ids).toContain(t.id);
    await app.startWorkers();
    expect(await breach).toMatchObject({ target: 'firstResponse', level: 1, dueAt: t.sla.firstResponse.dueAt });
    const sla = await stored(t.id);
    expect(sla.firstResponse!.status).toBe('breached');
    // nobody took it while the lease ran; the next loop did as soon as it ended
    expect(sla.firstResponse!.breachedAt!.getTime()).toBeGreaterThanOrEqual(leaseEnd);
    expect(sla.firstResponse!.breachedAt!.getTime() - leaseEnd).toBeLessThan(5000);
    expect(sla.escalations.filter((e) => e.kind === 'breach' && e.level === 1)).toHaveLength(1);
  });

  it('two workers processes on the set escalate every breach of a burst exactly once', async () => {
    const b = await startSecondNode(app);
    const workersB = await runWorkers(b.c);
    try {
      const checks = [0, 0];
      for (const [n, s] of [sla(), sla(b)].entries()) {
        const check = s.check.bind(s);
        s.check = async (id: string) => (checks[n]++, check(id));
      }
      await policy('web warranty 3s', { priority: 'high', type: 'warranty', channel: 'web' }, { firstResponse: 'PT3S' });
      const seen = new Map<number, Escalation[]>();
      supervisor.on('escalation', (e: Escalation) => {
        if (e.kind === 'breach' && e.level === 1) seen.set(e.ticketNumber, [...(seen.get(e.ticketNumber) ?? []), e]);
      });
      const made = await Promise.all(Array.from({ length: 24 }, () => ticket({ type: 'warranty', priority: 'high', channel: 'web' })));
      await eventually(async () => made.every((t) => seen.has(t.number)), 30_000);
      for (const t of made) {
        const s = await stored(t.id);
        expect(s.escalations.filter((e) => e.kind === 'breach' && e.level === 1)).toHaveLength(1);
        expect(seen.get(t.number)).toHaveLength(1);
      }
      expect(checks[0] + checks[1]).toBeGreaterThanOrEqual(made.length);
    } finally {
      await workersB.close();
      await b.close();
    }
  });

  it('Redis lost the timer set: the sweeper rebuilds it from MongoDB and the breach fires on time', async () => {
    await policy('chat 6s', { channel: 'chat' }, { firstResponse: 'PT6S' });
    const t = await ticket({ channel: 'chat' });
    const breach = nextEvent<Escalation>(supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach', 30_000);
    // a Redis restarted empty: no timers, no revisions, no marker of the last repair
    await app.c.redis.del(key(), `${key()}:rev`, `${key()}:repaired`);
    expect(await app.c.redis.zscore(key(), t.id)).toBeNull();
    const res = await sla().sweep();
    expect(res.repaired).toBeGreaterThanOrEqual(1);
    expect(Number(await app.c.redis.zscore(key(), t.id))).toBe((await stored(t.id)).nextCheckAt!.getTime());
    expect(await breach).toMatchObject({ target: 'firstResponse', level: 1 });
    const s = await stored(t.id);
    expect(s.firstResponse!.breachedAt!.getTime() - Date.parse(t.sla.firstResponse.dueAt)).toBeLessThan(1000);
  });
});
