import crypto from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { MovableClock, systemClock } from '../../src/infra/clock';
import { createRedis, RedisClient, waitReady } from '../../src/infra/redis';
import { TimerLoop } from '../../src/infra/timer-loop';
import { TimerSet } from '../../src/infra/timer-set';
import { createLogger } from '../../src/logger';
import type { SlaService } from '../../src/modules/sla/sla.service';
import { eventually, nextEvent, startTestApp, storeUrls, TestApp } from '../helpers/harness';
import { buildCustomer, buildPolicy, buildTicketBody } from '../builders/ticket';

type Escalation = { id: string; ticketNumber: number; subject: string; team: string; target: string; kind: 'warning' | 'breach'; level: number; dueAt: string; at: string };

/**
 * The timers' evaluation (issue #23: a burst of breaches at the supervisors' sockets within
 * 200 ms): it reads only the SLA's fields and writes one conditional update, and what a
 * supervisor sees — the breach event, the escalations feed, the ticket's timeline line — is as
 * before; evaluations racing on one ticket escalate it once; the timer loop takes the earliest due
 * first and never runs more at once than it may.
 */
describe('SLA timers evaluation', () => {
  let app: TestApp;
  let supervisor: Socket;
  const clock = new MovableClock();
  const sla = () => (app.c.modules.find((m) => m.name === 'sla') as unknown as { sla: SlaService }).sla;
  let made = 0;
  /** a ticket under the policy of these tests (a first response within an hour); the workers are stopped: the test evaluates */
  const breachable = async () => {
    const res = await (await app.as('agent1@demo.local')).post('/api/tickets').send(buildTicketBody({ customer: buildCustomer({ name: 'Lin Qi', phone: '+86 139 5555 6666' }), priority: 'urgent', type: 'warranty', channel: 'voice', subject: `Compressor noise ${++made}` }));
    expect(res.status).toBe(201);
    expect(res.body.sla).toMatchObject({ policy: 'urgent voice warranty 1h', firstResponse: { status: 'active' } });
    // the creation's effects done and their journal cleared (a deferred bulk write), so that what a test records is the evaluation's own
    await eventually(async () => {
      await app.c.events.flush();
      return ((await app.c.models.Ticket.findById(res.body.id, { effects: 1 }).lean())?.effects ?? []).length === 0 || null;
    });
    return res.body as { id: string; number: number; subject: string; team: string; sla: { firstResponse: { dueAt: string } } };
  };
  /** the commands on the tickets collection while `flow` runs */
  const ticketCommands = async (flow: () => Promise<unknown>) => {
    const seen: { name: string; command: Record<string, any> }[] = [];
    const client = app.c.conn.getClient();
    const on = (e: { commandName: string; command: Record<string, any> }) => {
      if (e.command[e.commandName] === 'tickets') seen.push({ name: e.commandName, command: e.command });
    };
    client.on('commandStarted', on);
    try {
      await flow();
    } finally {
      client.off('commandStarted', on);
    }
    return seen;
  };

  beforeAll(async () => {
    app = await startTestApp({ clock, monitorCommands: true });
    supervisor = await app.agentSocket('supervisor@demo.local');
    const manager = await app.as('manager@demo.local');
    expect((await manager.post('/api/sla-policies').send(buildPolicy({ name: 'urgent voice warranty 1h', match: { priority: 'urgent', type: 'warranty', channel: 'voice' }, targets: { firstResponse: 'PT1H' } }))).status).toBe(201);
    await app.stopWorkers();
  });
  afterAll(() => app.close());

  it('escalates a due breach reading only the SLA fields and writing once, and the supervisor sees it as before', async () => {
    const t = await breachable();
    const before = (await app.c.models.Ticket.findById(t.id).lean())!.sla!;
    clock.advance(61 * 60_000);
    const breach = nextEvent<Escalation>(supervisor, 'escalation', (e) => e.ticketNumber === t.number && e.kind === 'breach', 10_000);
    let result: { events: number } | undefined;
    const commands = await ticketCommands(async () => (result = await sla().check(t.id)));
    expect(result!.events).toBeGreaterThanOrEqual(1);
    // one read of the SLA's fields (no message, customer or participants), one conditional update on the revision, nothing read back
    expect(commands.map((c) => c.name)).toEqual(['find', 'update']);
    const projection = commands[0].command.projection as Record<string, number>;
    expect(projection).toMatchObject({ sla: 1, number: 1, subject: 1, team: 1, status: 1, assigneeId: 1 });
    expect(Object.keys(projection)).not.toContain('customerId');
    expect(commands[1].command.updates).toHaveLength(1);
    expect(commands[1].command.updates[0].q).toMatchObject({ 'sla.rev': before.rev });

    const e = await breach;
    const stored = (await app.c.models.Ticket.findById(t.id).lean())!.sla!;
    expect(stored.rev).toBe(before.rev + 1);
    expect(stored.firstResponse!.status).toBe('breached');
    const kept = stored.escalations.find((x) => String(x._id) === e.id)!;
    expect(kept).toMatchObject({ kind: 'breach', level: 1, target: 'firstResponse' });
    // the event carries the ticket's number, subject and team, the stored escalation's times, and the supervisor was among those told
    expect(e).toMatchObject({ ticketNumber: t.number, subject: t.subject, team: t.team, target: 'firstResponse', level: 1, dueAt: t.sla.firstResponse.dueAt, at: new Date(kept.at!).toISOString() });
    const sup = await app.c.models.Agent.findOne({ email: 'supervisor@demo.local' }, { _id: 1 }).lean();
    expect(kept.notified).toContain(String(sup!._id));
    // the supervisor's feed shows the same escalation
    const feed = await (await app.as('supervisor@demo.local')).get('/api/escalations');
    expect(feed.status).toBe(200);
    expect(feed.body.escalations.find((x: Escalation) => x.id === e.id)).toMatchObject({ ticketNumber: t.number, subject: t.subject, team: t.team, kind: 'breach', level: 1, at: e.at, dueAt: e.dueAt });
    // its timer waits for the next escalation at the new revision
    expect(Number(await app.c.redis.zscore(`${app.c.config.queuePrefix}:due:sla`, t.id))).toBe(stored.nextCheckAt!.getTime());
    expect(Number(await app.c.redis.hget(`${app.c.config.queuePrefix}:due:sla:rev`, t.id))).toBe(stored.rev);
    // its follow-up (timeline line, the live queue's view) runs in the workers
    const updated = nextEvent<{ number: number; changes: string[] }>(supervisor, 'ticket:updated', (u) => u.number === t.number && u.changes.includes('sla'), 20_000);
    await app.startWorkers();
    try {
      await eventually(async () => !!(await app.c.models.Message.findOne({ dedupeKey: `event:sla-escalation:${e.id}` }, { _id: 1 }).lean()), 20_000);
      expect(await updated).toMatchObject({ number: t.number });
    } finally {
      await app.stopWorkers();
    }
  });

  it('two evaluations of one due ticket at once escalate it once', async () => {
    const t = await breachable();
    clock.advance(61 * 60_000);
    const seen: Escalation[] = [];
    const on = (e: Escalation) => e.ticketNumber === t.number && e.kind === 'breach' && seen.push(e);
    supervisor.on('escalation', on);
    try {
      const results = await Promise.all([sla().check(t.id), sla().check(t.id), sla().check(t.id)]);
      expect(results.map((r) => r.events).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
      await eventually(async () => seen.length >= 1, 10_000);
      const stored = (await app.c.models.Ticket.findById(t.id).lean())!.sla!;
      expect(stored.escalations.filter((x) => x.kind === 'breach' && x.level === 1)).toHaveLength(1);
      // and a later check, nothing being due, changes nothing
      expect((await sla().check(t.id)).events).toBe(0);
      expect((await app.c.models.Ticket.findById(t.id).lean())!.sla!.rev).toBe(stored.rev);
      // the one stored breach is the one the supervisor got (each evaluation published before it resolved)
      expect(seen.map((x) => x.id)).toEqual([String(stored.escalations.find((x) => x.kind === 'breach')!._id)]);
    } finally {
      supervisor.off('escalation', on);
    }
  });
});

describe('timer loop order and concurrency', () => {
  const log = createLogger('silent');
  const clients: RedisClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  });
  /** a timer set of its own on the suite's Redis (a fresh hash-tagged prefix) */
  const freshSet = async (tag: string) => {
    const c = createRedis(storeUrls('unused').redis, 'command', log);
    clients.push(c);
    await waitReady(c);
    return new TimerSet(c, `{${tag}${crypto.randomBytes(4).toString('hex')}}`, 'test');
  };

  it('evaluates the earliest due first and never more at once than its concurrency', async () => {
    const set = await freshSet('tlo');
    const now = Date.now();
    // written in a shuffled order; due in the order of their number
    const ids = Array.from({ length: 24 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    for (const i of [...ids.keys()].sort(() => Math.random() - 0.5)) await set.put(ids[i], now - 5000 + i * 10, 1);
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const fire = async (id: string) => {
      started.push(id);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      await set.put(id, null, 1);
    };
    const loop = new TimerLoop({ set, clock: systemClock, fire, subscriber: () => createRedis(storeUrls('unused').redis, 'subscriber', log), log, concurrency: 4, leaseMs: 30_000 });
    await loop.start();
    try {
      await eventually(async () => started.length === ids.length && (await set.size()) === 0, 15_000);
    } finally {
      await loop.stop();
    }
    expect(started).toEqual(ids);
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThan(1);
  });

  it('claims again as soon as a slot opens, whichever slot it is (no sleep with due entries and free slots)', async () => {
    const set = await freshSet('tlf');
    const now = Date.now();
    const ids = Array.from({ length: 120 }, (_, i) => `f${i}`);
    await Promise.all(ids.map((id, i) => set.put(id, now - 5000 + i, 1)));
    const done = new Set<string>();
    // evaluations of uneven length, so that slots open while a claim is on its way
    const fire = async (id: string) => {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
      await set.put(id, null, 1);
      done.add(id);
    };
    // a sleep towards the far maximum would outlast the wait below: only a nudge or a claim at once moves on
    const loop = new TimerLoop({ set, clock: systemClock, fire, subscriber: () => createRedis(storeUrls('unused').redis, 'subscriber', log), log, concurrency: 3, leaseMs: 30_000, maxSleepMs: 120_000 });
    await loop.start();
    try {
      await eventually(async () => done.size === ids.length, 20_000);
    } finally {
      await loop.stop();
    }
    expect(done.size).toBe(ids.length);
  });
});
