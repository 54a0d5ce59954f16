import { Cluster } from 'ioredis';
import nodemailer from 'nodemailer';
import type { Socket } from 'socket.io-client';
import type { EmailModule } from '../../src/channels/email/email.module';
import { eventually, nextEvent } from '../helpers/harness';
import { RedisClusterHandle, startRedisCluster } from '../helpers/redis-topologies';
import { multiNodeCases, Nodes } from './cases/multi-node.cases';

/**
 * The multi-node cases, and the socket and queue flows of the chat and mail tests, on a 3-master
 * Redis Cluster of Debian's redis-server: BullMQ under the `{prefix}` hash tag, sessions, rate
 * limits, locks and the live queue index in that slot, Socket.IO over sharded Pub/Sub spread
 * across the masters.
 */
let cluster: RedisClusterHandle;
beforeAll(async () => {
  cluster = await startRedisCluster(3);
}, 60000);
afterAll(() => cluster?.stop());

const METRICS_TOKEN = 'metrics-token-for-the-cluster-test';

multiNodeCases('two API processes on a 3-master Redis Cluster', {
  env: () => ({ REDIS_URL: cluster.url, METRICS_TOKEN }),
  more: clusterFlows,
});

function clusterFlows(nodes: () => Nodes): void {
  const send = (s: Socket, payload: unknown): Promise<any> => s.timeout(10000).emitWithAck('message:send', payload);

  it('carries a chat between a visitor on node B and an agent on node A, both ways', async () => {
    const { a, b } = nodes();
    const agent = await a.agentSocket('agent1@demo.local');
    const visitor = b.socket('/chat', { name: 'Cluster Carla', email: 'carla@example.com' });
    await nextEvent(visitor, 'session', () => true, 10000);
    const created = nextEvent(agent, 'ticket:created', (t: any) => t.channel === 'chat' && t.subject === 'Dishwasher shows E24');
    const ack = await send(visitor, { body: 'Dishwasher shows E24', clientId: 'cl-1' });
    expect(ack.error).toBeUndefined();
    expect((await created).number).toBe(ack.ticketNumber);

    const reply = nextEvent(visitor, 'message:new', (m: any) => m.author.type === 'agent');
    const a1 = await a.as('agent1@demo.local');
    expect((await a1.post(`/api/tickets/${ack.ticketNumber}/messages`).send({ body: 'Please check the drain hose.' })).status).toBe(201);
    expect(await reply).toMatchObject({ body: 'Please check the drain hose.', ticketNumber: ack.ticketNumber });
    visitor.disconnect();
    agent.disconnect();
  });

  it('turns a mail into a ticket through the mail-in queue, live on node B and in the live queue', async () => {
    const { a, b } = nodes();
    const onB = await b.agentSocket('supervisor@demo.local');
    const created = nextEvent(onB, 'ticket:created', (t: any) => t.subject === 'Washer WM-800 leaks', 20000);
    const smtpPort = (a.c.modules.find((m) => m.name === 'email') as EmailModule).smtpPort;
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    try {
      await t.sendMail({ from: 'Wanda <wanda@example.com>', to: 'support@demo.local', subject: 'Washer WM-800 leaks', text: 'Water under the machine after every wash.' });
    } finally {
      t.close();
    }
    const ticket = await created;
    const queue = await (await a.as('supervisor@demo.local')).get('/api/queue?limit=100');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: any) => i.number)).toContain(ticket.number);
    onB.disconnect();
  });

  it('keeps every key in the prefix\'s slot and spreads the Socket.IO channels over the masters', async () => {
    const { a, b } = nodes();
    const probe = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
    try {
      await eventually(async () => probe.status === 'ready' || null);
      const masters = probe.nodes('master');
      const keysPerMaster = await Promise.all(masters.map(async (m) => (await m.keys(`${a.config.queuePrefix}*`)).length));
      expect(keysPerMaster.filter((n) => n > 0)).toHaveLength(1); // BullMQ, sessions, queue index: one slot
      // agents in their rooms: each room a sharded channel, hashed over the masters
      const sockets = await Promise.all(['agent1@demo.local', 'agent2@demo.local', 'supervisor@demo.local', 'manager@demo.local'].map((e) => b.agentSocket(e)));
      const perMaster = await eventually(async () => {
        const counts = await Promise.all(masters.map(async (m) => ((await m.call('PUBSUB', 'SHARDCHANNELS', `${a.c.realtime.key}#*`)) as string[]).length));
        return counts.filter((n) => n > 0).length > 1 ? counts : null;
      });
      expect(perMaster.reduce((x, y) => x + y, 0)).toBeGreaterThan(4);
      for (const s of sockets) s.disconnect();
    } finally {
      probe.disconnect();
    }
  });

  it('signs a deactivated agent out of every session, wherever the cluster keeps them', async () => {
    const { a, b } = nodes();
    const [t1, t2] = [await a.login('agent2@demo.local'), await a.login('agent2@demo.local')];
    expect((await a.http().get('/api/tickets').set('Authorization', `Bearer ${t1}`)).status).toBe(200);
    const admin = await a.as('admin@demo.local');
    const agent2 = (await admin.get('/api/agents')).body.agents.find((x: any) => x.email === 'agent2@demo.local');
    expect((await admin.patch(`/api/agents/${agent2.id}`).send({ active: false })).status).toBe(200);
    for (const token of [t1, t2]) expect((await b.http().get('/api/tickets').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });

  it('reports queue depths, job times and HTTP latency on /metrics from the cluster', async () => {
    const { a } = nodes();
    const res = await a.http().get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^aftercare_queue_jobs\{queue="mail-in",state="waiting"\} \d+$/m);
    expect(res.text).toMatch(/^aftercare_job_duration_seconds_count\{queue="mail-in",name="inbound",outcome="completed"\} [1-9]\d*$/m);
    expect(res.text).toMatch(/^aftercare_http_request_duration_seconds_count\{method="GET",route="\/api\/queue",status="200"\} [1-9]\d*$/m);
  });
}
