import type { Socket } from 'socket.io-client';
import { SYSTEM } from '../../src/core/types';
import { scanKeys } from '../../src/infra/redis';
import type { RoutingModule } from '../../src/modules/routing/routing.module';
import { buildCustomer, buildTicket } from '../builders/ticket';
import { startTestApp, TestApp } from '../helpers/harness';

const ack = <T = any>(s: Socket, event: string, payload: unknown): Promise<T> => new Promise((resolve) => s.emit(event, payload, resolve));

/**
 * What routing a new chat reads is kept in Redis (RoutingIndex: online agents per team, live
 * chats per agent) beside MongoDB, which stays the truth: the index follows presence and ticket
 * changes, survives losing Redis through its repair from MongoDB, and a stale entry routes nothing.
 */
describe('the routing index beside MongoDB', () => {
  let app: TestApp;
  let routing: RoutingModule;
  let agent1Id: string;
  let a1: Socket;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    routing = app.c.modules.find((m) => m.name === 'routing') as RoutingModule;
    agent1Id = String((await app.c.models.Agent.findOne({ email: 'agent1@demo.local' }))!._id);
  });
  afterAll(() => app.close());

  const chat = async (name: string) =>
    (await app.c.tickets.create(buildTicket({ channel: 'chat', subject: `Chat with ${name}`, customer: buildCustomer({ name }), body: 'hello?' }), SYSTEM)).ticket;
  const assigneeOf = async (n: number) => {
    const t = await app.c.tickets.byNumber(n);
    return t.assigneeId ? String(t.assigneeId) : null;
  };
  /** agent1's live chats as MongoDB has them */
  const liveChatsOfAgent1 = () => app.c.models.Ticket.countDocuments({ channel: 'chat', assigneeId: agent1Id, status: { $in: ['new', 'open', 'pending', 'on_hold'] } });
  const load = async () => (await routing.index.loads([agent1Id])).get(agent1Id);
  const loseRedisIndex = async () => {
    const index: string[] = [];
    for await (const batch of scanKeys(app.c.redis, `${app.c.config.queuePrefix}:routing:*`)) index.push(...batch.filter((k) => /:routing:(online|chats):/.test(k)));
    expect(index.length).toBeGreaterThan(0);
    await app.c.redis.del(...index);
  };

  it('follows presence and assignments, and is rebuilt from MongoDB after Redis lost it', async () => {
    a1 = await app.agentSocket('agent1@demo.local');
    await ack(a1, 'presence:set', { status: 'online' });
    expect(await routing.index.onlineOf('support')).toContain(agent1Id);
    const first = await chat('Ada');
    expect(await assigneeOf(first.number)).toBe(agent1Id);
    expect(await load()).toBe(await liveChatsOfAgent1());

    // a solved chat frees its place
    const before = (await load())!;
    await app.c.updates.update(first.number, { status: 'solved' }, null);
    expect(await load()).toBe(before - 1);

    // Redis restarted empty (or a crashed node's writes were lost): the repair puts back what MongoDB says
    await loseRedisIndex();
    expect(await routing.index.onlineOf('support')).toEqual([]);
    expect(await routing.index.repair()).toMatchObject({ fixed: expect.any(Number) });
    expect(await routing.index.onlineOf('support')).toContain(agent1Id);
    expect(await load()).toBe(await liveChatsOfAgent1());

    // capacity read from the index: at capacity, the next chat waits
    await app.c.models.Agent.updateOne({ _id: agent1Id }, { $set: { chatCapacity: (await load())! } });
    const waits = await chat('Bob');
    expect(await assigneeOf(waits.number)).toBeNull();
  });

  it('routes nothing to an agent the index still lists but MongoDB has offline, and the repair drops them', async () => {
    await app.c.models.Agent.updateOne({ _id: agent1Id }, { $set: { chatCapacity: 50, 'presence.status': 'offline' } });
    // stale: the socket is still open and presence was written around setPresence
    expect(await routing.index.onlineOf('support')).toContain(agent1Id);
    const t = await chat('Cleo');
    expect(await assigneeOf(t.number)).toBeNull();
    await routing.index.repair();
    expect(await routing.index.onlineOf('support')).not.toContain(agent1Id);
    a1.disconnect();
  });
});
