import { io as ioClient, Socket } from 'socket.io-client';
import { nextEvent, startSecondNode, startTestApp, TestApp } from '../helpers/harness';

/**
 * Access ends or changes on node A; the agent's live socket is on node B. The socket must close at
 * once (through Redis), and one that reconnects must join only the rooms of what the agent may see now.
 */
describe('revoked and changed access closes live /agents sockets on every node', () => {
  let a: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    a = await startTestApp();
    b = await startSecondNode(a);
    admin = await a.as('admin@demo.local');
  }, 180000); // two nodes on a busy machine
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await b.close();
    await a.close();
  });

  let n = 0;
  const newAgent = async (teams: string[]) => {
    const email = `live${++n}@demo.local`;
    const res = await admin.post('/api/agents').send({ name: `Live ${n}`, email, password: 'a-good-password', role: 'agent', teams });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, email, login: () => a.login(email, 'a-good-password') };
  };
  const onB = (token: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = ioClient(`${b.url}/agents`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const closedByServer = (s: Socket) => nextEvent<string>(s, 'disconnect', () => true, 10000);
  const refused = (token: string) => onB(token).then(() => 'connected', (err: Error & { data?: { error?: { code: string } } }) => err.data?.error?.code);

  it('ends the socket of a session signed out on another node, and only that one', async () => {
    const ag = await newAgent(['support']);
    const [t1, t2] = [await ag.login(), await ag.login()];
    const [s1, s2] = [await onB(t1), await onB(t2)];
    const closed = closedByServer(s1);
    expect((await a.http().post('/api/auth/logout').set('Authorization', `Bearer ${t1}`)).status).toBe(204);
    expect(await closed).toBe('io server disconnect');
    expect(await refused(t1)).toBe('unauthorized');
    // the agent's other session lives on and still gets its team's events
    const seen = nextEvent(s2, 'ticket:created', (p: { subject: string }) => p.subject === 'After one logout');
    await a.c.tickets.create({ channel: 'web', subject: 'After one logout', team: 'support', customer: { name: 'Mo' } }, { type: 'system', name: 'test' });
    await seen;
    expect(s2.connected).toBe(true);
  });

  it('ends every socket of a deactivated agent, and of one whose password was reset', async () => {
    const gone = await newAgent(['support']);
    const reset = await newAgent(['support']);
    const [tg, tr] = [await gone.login(), await reset.login()];
    const [sg, sr] = [await onB(tg), await onB(tr)];
    const [cg, cr] = [closedByServer(sg), closedByServer(sr)];
    expect((await admin.patch(`/api/agents/${gone.id}`).send({ active: false })).status).toBe(200);
    expect((await admin.patch(`/api/agents/${reset.id}`).send({ password: 'another-good-one' })).status).toBe(200);
    expect([await cg, await cr]).toEqual(['io server disconnect', 'io server disconnect']);
    expect(await refused(tg)).toBe('unauthorized');
    expect(await refused(tr)).toBe('unauthorized');
  });

  it('takes an agent out of a removed team\'s room: after reconnecting only the remaining team\'s events arrive', async () => {
    const ag = await newAgent(['support', 'tech']);
    const token = await ag.login();
    const before = await onB(token);
    const closed = closedByServer(before);
    expect((await admin.patch(`/api/agents/${ag.id}`).send({ teams: ['support'] })).status).toBe(200);
    expect(await closed).toBe('io server disconnect');

    const again = await onB(token); // the console reconnects at once with the same session
    const techSeen: string[] = [];
    again.on('ticket:created', (p: { team: string; subject: string }) => p.team === 'tech' && techSeen.push(p.subject));
    const supportSeen = nextEvent(again, 'ticket:created', (p: { subject: string }) => p.subject === 'Support, after tech');
    const sys = { type: 'system' as const, name: 'test' };
    const tech = (await a.c.tickets.create({ channel: 'web', subject: 'Tech, not for them any more', team: 'tech', customer: { name: 'Ned' } }, sys)).ticket;
    await a.c.tickets.create({ channel: 'web', subject: 'Support, after tech', team: 'support', customer: { name: 'Ned' } }, sys);
    await supportSeen; // events of one emitter arrive in order: the tech one would have come first
    expect(techSeen).toEqual([]);
    // nor may the socket join a tech ticket's room
    const join = await new Promise<any>((resolve) => again.emit('ticket:join', { ticketNumber: tech.number }, resolve));
    expect(join.error.code).toBe('not_found');
  });
});
