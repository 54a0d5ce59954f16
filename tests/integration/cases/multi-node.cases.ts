import type { RoutingModule } from '../../../src/modules/routing/routing.module';
import { eventually, nextEvent, startSecondNode, startTestApp, TestApp } from '../../helpers/harness';
import { buildTicket } from '../../builders/ticket';

const ack = (s: any, event: string, payload: unknown): Promise<any> => new Promise((resolve) => s.emit(event, payload, resolve));

export interface Nodes {
  a: TestApp;
  b: Awaited<ReturnType<typeof startSecondNode>>;
}

/**
 * Two API processes on one Redis and one database, as two nodes behind a load balancer. Run on one
 * Redis server (multi-node.test.ts) and on a Redis Cluster (redis-cluster.test.ts). `env` is read
 * when the cases start, after the caller's own beforeAll has started its stores; `more` adds the
 * caller's cases on the same two nodes.
 */
export function multiNodeCases(title: string, opts: { env?: () => Record<string, string>; more?: (nodes: () => Nodes) => void } = {}): void {
  describe(title, () => {
    let a: TestApp;
    let b: Nodes['b'];
    beforeAll(async () => {
      a = await startTestApp({ env: opts.env?.() });
      b = await startSecondNode(a);
    });
    afterAll(async () => {
      await b.close();
      await a.close();
    });

    it('delivers a ticket created through node A to an agent connected to node B', async () => {
      const onB = await b.agentSocket('agent1@demo.local');
      const created = nextEvent(onB, 'ticket:created', (p) => p.subject === 'Fridge humming loudly');
      const a1 = await a.as('agent1@demo.local');
      const res = await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Fridge humming loudly', body: 'Since yesterday', customer: { name: 'Olga', phone: '+49 30 1234567' }, team: 'support' });
      expect(res.status).toBe(201);
      expect((await created).number).toBe(res.body.number);
      // and agent2 (other teams) on node B does not get it
      const onB2 = await b.agentSocket('agent2@demo.local');
      const onB2saw: string[] = [];
      onB2.on('ticket:created', (p: { subject: string }) => onB2saw.push(p.subject));
      const seen = nextEvent(onB, 'ticket:created', (p) => p.subject === 'Fridge humming loudly again');
      await a1.post('/api/tickets').send({ channel: 'voice', subject: 'Fridge humming loudly again', body: 'x', customer: { name: 'Olga', phone: '+49 30 1234567' }, team: 'support' });
      await seen;
      // a ticket of agent2's team, emitted after it: once it reached agent2's socket, the first would have been there before it
      // (node B delivered that broadcast to its local sockets before agent1 saw it; a leak into agent2's rooms shares their channels)
      const marker = nextEvent(onB2, 'ticket:created', (p) => p.subject === 'Marker for agent2');
      await (await a.as('agent2@demo.local')).post('/api/tickets').send({ channel: 'voice', subject: 'Marker for agent2', body: 'x', customer: { name: 'Mo' }, team: 'returns' });
      await marker;
      expect(onB2saw).toEqual(['Marker for agent2']);
      onB.disconnect();
      onB2.disconnect();
    });

    it('counts an agent\'s sockets across nodes: offline only when the last one, on either node, closes', async () => {
      const presence = async () => (await a.c.models.Agent.findOne({ email: 'agent2@demo.local' }))!.presence!.status;
      await eventually(async () => (await presence()) === 'offline');
      const sup = await a.agentSocket('supervisor@demo.local');
      const onA = await a.agentSocket('agent2@demo.local');
      const onB = await b.agentSocket('agent2@demo.local');
      await ack(onA, 'presence:set', { status: 'online' });
      expect(await presence()).toBe('online');
      const routingA = a.c.modules.find((m) => m.name === 'routing') as RoutingModule;
      const idA = onA.id!;
      onA.disconnect();
      // node A has seen the disconnect, and finished what it does after one (it would mark the agent offline now, were it wrong)
      await eventually(async () => !a.server.io.of('/agents').sockets.has(idA));
      await routingA.socketsIdle();
      expect(await presence()).toBe('online');
      onB.disconnect();
      await eventually(async () => (await presence()) === 'offline');
      sup.disconnect();
    });

    it('takes an agent offline whose sockets died with a crashed node, and keeps one whose socket lives on another node', async () => {
      const agentDoc = async (email: string) => (await a.c.models.Agent.findOne({ email }))!;
      const routing = a.c.modules.find((m) => m.name === 'routing') as unknown as { reapPresence(): Promise<string[]> };
      // agent1 is connected to node B and online
      const onB = await b.agentSocket('agent1@demo.local');
      await ack(onB, 'presence:set', { status: 'online' });
      // agent2 was online on a node that crashed: its socket id is still counted in Redis, nobody holds it
      const ghost = await agentDoc('agent2@demo.local');
      await a.c.redis.sadd(`${a.config.queuePrefix}:presence:sockets:${ghost._id}`, 'socket-of-a-crashed-node');
      await a.c.agents.setPresence(String(ghost._id), 'online');
      expect((await agentDoc('agent2@demo.local')).presence!.status).toBe('online');

      expect(await routing.reapPresence()).toEqual([]); // first sweep: only suspected
      expect(await routing.reapPresence()).toEqual([String(ghost._id)]);
      expect((await agentDoc('agent2@demo.local')).presence!.status).toBe('offline');
      expect((await agentDoc('agent1@demo.local')).presence!.status).toBe('online'); // its socket lives on node B
      onB.disconnect();
    });

    it('shows viewers of a ticket across nodes, and assigns a chat once when both nodes route it', async () => {
      const t = (await a.c.tickets.create(buildTicket({ subject: 'Two viewers', body: null }), { type: 'system', name: 'test' })).ticket;
      const viewerA = await a.agentSocket('agent1@demo.local');
      const viewerB = await b.agentSocket('supervisor@demo.local');
      await ack(viewerA, 'ticket:join', { ticketNumber: t.number });
      const both = nextEvent(viewerA, 'presence:ticket', (p) => p.viewers.length === 2);
      await ack(viewerB, 'ticket:join', { ticketNumber: t.number });
      expect((await both).viewers.map((v: any) => v.name).sort()).toEqual(['Chen Jie (陈杰)', 'Li Na (李娜)']);

      // a waiting chat, two online agents, both nodes route it at the same moment
      const chat = (await a.c.tickets.create(buildTicket({ channel: 'chat', subject: 'Race', body: null }), { type: 'system', name: 'test' })).ticket;
      await a.c.models.Agent.updateMany({ email: { $in: ['agent1@demo.local', 'supervisor@demo.local'] } }, { $set: { 'presence.status': 'online' } });
      // presence written straight to MongoDB (not through setPresence) reaches the routing index by its repair
      await (a.c.modules.find((m) => m.name === 'routing') as any).index.repair();
      const [ra, rb] = await Promise.all([a.c.modules.find((m) => m.name === 'routing') as any, b.c.modules.find((m) => m.name === 'routing') as any].map((m) => m.router.routeTicket(chat)));
      expect([ra, rb].filter(Boolean)).toHaveLength(1);
      const audits = await a.c.models.Audit.find({ ticketNumber: chat.number, action: 'updated' }).lean();
      expect(audits).toHaveLength(1);
    });

    opts.more?.(() => ({ a, b }));
  });
}
