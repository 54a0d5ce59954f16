import type { Socket } from 'socket.io-client';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';
import { SYSTEM } from '../../src/core/types';
import { buildCustomer, buildTicket } from '../builders/ticket';

const ack = <T = any>(s: Socket, event: string, payload: unknown): Promise<T> => new Promise((resolve) => s.emit(event, payload, resolve));

describe('presence, chat routing and ticket collision', () => {
  let app: TestApp;
  let agent1Id: string;
  let agent2Id: string;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    agent1Id = String((await app.c.models.Agent.findOne({ email: 'agent1@demo.local' }))!._id);
    agent2Id = String((await app.c.models.Agent.findOne({ email: 'agent2@demo.local' }))!._id);
    // agent2 helps out on support in these tests
    await app.c.models.Agent.updateOne({ _id: agent2Id }, { $set: { teams: ['complaints', 'returns', 'support'] } });
  });
  afterAll(() => app.close());

  const presenceOf = async (id: string) => (await app.c.models.Agent.findById(id))!.presence!.status;
  const chat = async (name: string) =>
    (await app.c.tickets.create(buildTicket({ channel: 'chat', subject: `Chat with ${name}`, customer: buildCustomer({ name }), body: 'hello?' }), SYSTEM)).ticket;
  const assigneeOf = async (n: number) => {
    const t = await app.c.tickets.byNumber(n);
    return t.assigneeId ? String(t.assigneeId) : null;
  };

  it('sets presence over the socket and goes offline only when the last socket closes', async () => {
    const s1 = await app.agentSocket('agent1@demo.local');
    const s2 = await app.agentSocket('agent1@demo.local');
    expect(await ack(s1, 'presence:set', { status: 'away' })).toMatchObject({ status: 'away' });
    expect(await presenceOf(agent1Id)).toBe('away');
    expect(await ack(s1, 'presence:set', { status: 'busy' })).toMatchObject({ error: { code: 'validation_failed' } });
    s1.disconnect();
    const third = await app.agentSocket('agent1@demo.local');
    await ack(third, 'presence:set', { status: 'away' }); // a round trip: s1's disconnect is handled by now
    expect(await presenceOf(agent1Id)).toBe('away');
    s2.disconnect();
    third.disconnect();
    await eventually(async () => (await presenceOf(agent1Id)) === 'offline');
  });

  it('offers a new chat at once to an online agent with room, and the waiting ones when an agent comes online', async () => {
    const a1 = await app.agentSocket('agent1@demo.local');
    await ack(a1, 'presence:set', { status: 'online' });
    const assigned = nextEvent(a1, 'ticket:assigned', (p) => p.subject === 'Chat with Ada');
    const t = await chat('Ada');
    expect((await assigned).assignee.id).toBe(agent1Id);
    expect(await assigneeOf(t.number)).toBe(agent1Id);

    // a busy agent: at capacity (the demo chat, taken on coming online, and Ada's) → the next chat waits
    expect(await app.c.models.Ticket.countDocuments({ channel: 'chat', assigneeId: agent1Id, status: { $in: ['new', 'open'] } })).toBe(2);
    await app.c.models.Agent.updateOne({ _id: agent1Id }, { $set: { chatCapacity: 2 } });
    const waiting = await chat('Bob');
    expect(await assigneeOf(waiting.number)).toBeNull();

    // agent1 solves their chat → the waiting chat moves to them immediately
    const moved = nextEvent(a1, 'ticket:assigned', (p) => p.number === waiting.number);
    await app.c.updates.update(t.number, { status: 'solved' }, null);
    await moved;
    expect(await assigneeOf(waiting.number)).toBe(agent1Id);

    // nobody of the team online: the chat waits; agent2 comes online and takes it
    a1.disconnect();
    await eventually(async () => (await presenceOf(agent1Id)) === 'offline');
    const later = await chat('Cleo');
    expect(await assigneeOf(later.number)).toBeNull();
    const a2 = await app.agentSocket('agent2@demo.local');
    const got = nextEvent(a2, 'ticket:assigned', (p) => p.number === later.number);
    await ack(a2, 'presence:set', { status: 'online' });
    await got;
    expect(await assigneeOf(later.number)).toBe(agent2Id);
    a2.disconnect();
    await eventually(async () => (await presenceOf(agent2Id)) === 'offline');
    await app.c.models.Agent.updateOne({ _id: agent1Id }, { $set: { chatCapacity: 3 } });
  });

  it('round robin alternates; least loaded prefers the agent with fewer chats; never assigns one chat twice', async () => {
    // clear the earlier chats
    for (const t of await app.c.models.Ticket.find({ channel: 'chat', status: { $in: ['new', 'open'] } })) await app.c.updates.update(t.number, { status: 'solved' }, null);
    await app.c.models.Team.updateOne({ key: 'support' }, { $set: { assignment: 'round_robin' } });
    const a1 = await app.agentSocket('agent1@demo.local');
    const a2 = await app.agentSocket('agent2@demo.local');
    await ack(a1, 'presence:set', { status: 'online' });
    await ack(a2, 'presence:set', { status: 'online' });
    const owners: (string | null)[] = [];
    for (const name of ['Dan', 'Eve', 'Fay', 'Gus']) owners.push(await assigneeOf((await chat(name)).number));
    expect(owners[0]).not.toBe(owners[1]);
    expect(owners[2]).toBe(owners[0]);
    expect(owners[3]).toBe(owners[1]);

    await app.c.models.Team.updateOne({ key: 'support' }, { $set: { assignment: 'least_loaded' } });
    // agent1 hands one chat back: agent1 has 1, agent2 has 2 → the next chat goes to agent1
    const mine = await app.c.models.Ticket.findOne({ channel: 'chat', assigneeId: agent1Id, status: { $in: ['new', 'open'] } });
    await app.c.updates.update(mine!.number, { status: 'solved' }, null);
    expect(await assigneeOf((await chat('Hal')).number)).toBe(agent1Id);

    // many chats at once from concurrent callers: each assigned once, nobody over capacity (3)
    const many = await Promise.all(['I1', 'I2', 'I3', 'I4', 'I5'].map((n) => chat(n)));
    const counts = new Map<string, number>();
    for (const t of await app.c.models.Ticket.find({ channel: 'chat', status: { $in: ['new', 'open'] }, assigneeId: { $ne: null } })) counts.set(String(t.assigneeId), (counts.get(String(t.assigneeId)) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(3);
    const audits = await app.c.models.Audit.find({ ticketNumber: { $in: many.map((t) => t.number) }, action: 'updated' }).lean();
    const perTicket = new Map<number, number>();
    for (const a of audits as any[]) perTicket.set(a.ticketNumber, (perTicket.get(a.ticketNumber) ?? 0) + 1);
    expect([...perTicket.values()].every((n) => n === 1)).toBe(true);
    a1.disconnect();
    a2.disconnect();
  });

  it('routes when presence is set over HTTP too, and offers no chats to managers', async () => {
    await app.c.models.Agent.updateMany({}, { $set: { 'presence.status': 'offline' } });
    const waiting = await chat('Jon');
    expect(await assigneeOf(waiting.number)).toBeNull();
    const mgr = await app.as('manager@demo.local');
    expect((await mgr.put('/api/agents/me/presence').send({ status: 'online' })).body.presence.status).toBe('online');
    expect(await assigneeOf(waiting.number)).toBeNull();
    const a1 = await app.as('agent1@demo.local');
    await app.c.models.Agent.updateOne({ _id: agent1Id }, { $set: { chatCapacity: 10 } });
    expect((await a1.put('/api/agents/me/presence').send({ status: 'online' })).status).toBe(200);
    expect(await assigneeOf(waiting.number)).toBe(agent1Id);
    expect((await a1.put('/api/agents/me/presence').send({ status: 'dancing' })).status).toBe(400);
    await a1.put('/api/agents/me/presence').send({ status: 'offline' });
    await mgr.put('/api/agents/me/presence').send({ status: 'offline' });
  });

  it('shows a chat routed on arrival as assigned in the live queue and in its ticket:created event (#15)', async () => {
    await app.c.models.Agent.updateMany({}, { $set: { 'presence.status': 'offline' } });
    await app.c.models.Agent.updateOne({ _id: agent1Id }, { $set: { chatCapacity: 50 } });
    const a1 = await app.agentSocket('agent1@demo.local');
    await ack(a1, 'presence:set', { status: 'online' });
    const created = nextEvent(a1, 'ticket:created', (p) => p.subject === 'Chat with Queue');
    const t = await chat('Queue');
    expect(await assigneeOf(t.number)).toBe(agent1Id);
    expect((await created).assignee).toMatchObject({ id: agent1Id });
    const queue = await (await app.as('agent1@demo.local')).get('/api/queue?team=support&limit=200');
    const item = queue.body.items.find((i: { number: number }) => i.number === t.number);
    expect(item.assignee).toMatchObject({ id: agent1Id, name: 'Chen Jie (陈杰)' });
    await ack(a1, 'presence:set', { status: 'offline' });
    a1.disconnect();
  });

  it('shows who views and types on a ticket, and refuses tickets of other teams', async () => {
    const a1 = await app.agentSocket('agent1@demo.local');
    const sup = await app.agentSocket('supervisor@demo.local');
    const a2 = await app.agentSocket('agent2@demo.local');
    const t = await chat('Ivy');
    const joined = await ack(a1, 'ticket:join', { ticketNumber: t.number });
    expect(joined.viewers.map((v: any) => v.id)).toEqual([agent1Id]);
    const seen = nextEvent(a1, 'presence:ticket', (p) => p.viewers.length === 2);
    await ack(sup, 'ticket:join', { ticketNumber: t.number });
    expect((await seen).viewers.map((v: any) => v.name).sort()).toEqual(['Chen Jie (陈杰)', 'Li Na (李娜)']);
    const typing = nextEvent(a1, 'presence:ticket', (p) => p.typing.length === 1);
    expect(await ack(sup, 'typing', { ticketNumber: t.number, typing: true })).toEqual({ ok: true });
    expect((await typing).typing[0].name).toBe('Li Na (李娜)');
    const left = nextEvent(a1, 'presence:ticket', (p) => p.viewers.length === 1 && p.typing.length === 0);
    sup.disconnect();
    await left;
    const other = await app.c.tickets.create(buildTicket({ subject: 'refund', team: 'returns', body: null }), SYSTEM);
    expect(await ack(a1, 'ticket:join', { ticketNumber: other.ticket.number })).toMatchObject({ error: { code: 'not_found' } });
    expect(await ack(a1, 'ticket:join', { ticketNumber: 'x' })).toMatchObject({ error: { code: 'validation_failed' } });
    expect(await ack(a2, 'ticket:join', { ticketNumber: 999999 })).toMatchObject({ error: { code: 'not_found' } });
  });
});
