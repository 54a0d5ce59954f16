import crypto from 'node:crypto';
import net from 'node:net';
import express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { io as ioClient } from 'socket.io-client';
import { ApiRegistry } from '../../src/http/api-route';
import { errorHandler } from '../../src/http/error-middleware';
import { createLogger } from '../../src/logger';
import { agentModel } from '../../src/modules/agents/agent.model';
import { AuthService, bearerToken } from '../../src/modules/auth/auth.service';
import { CommandRecorder } from '../../src/infra/command-monitor';
import { startSecondNode, startTestApp, TestApp } from '../helpers/harness';

/**
 * The session check keeps each agent per process (issue #23) and re-reads it when any agent was
 * changed: a change made through one API node holds at once on the other, and a store that does
 * not answer during the check is a 503 to try again, never a 401 that signs the agent out.
 */
describe('the session check keeps agents per node, and every agent write holds on every node at once', () => {
  let a: TestApp;
  let b: Awaited<ReturnType<typeof startSecondNode>>;
  let admin: Awaited<ReturnType<TestApp['as']>>;
  beforeAll(async () => {
    a = await startTestApp({ workers: false, monitorCommands: true });
    b = await startSecondNode(a);
    admin = await a.as('admin@demo.local');
  }, 180000);
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  let n = 0;
  const newAgent = async () => {
    const email = `cached${++n}@demo.local`;
    const res = await admin.post('/api/agents').send({ name: `Cached ${n}`, email, password: 'a-good-password', role: 'agent', teams: ['support'] });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, token: await a.login(email, 'a-good-password') };
  };
  const meOnB = (token: string) => b.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`);

  it('reads the agent once per node, not on every request, and again after an agent write', async () => {
    const ag = await newAgent();
    const meOnA = () => a.http().get('/api/auth/me').set('Authorization', `Bearer ${ag.token}`);
    expect((await meOnA()).status).toBe(200);
    const rec = new CommandRecorder(a.c.conn).start();
    const agentReads = () => rec.commands.filter((c) => c.collection === 'agents').length;
    try {
      for (let i = 0; i < 3; i++) expect((await meOnA()).body).toMatchObject({ id: ag.id, role: 'agent' });
      expect(agentReads()).toBe(0);
      expect((await admin.patch(`/api/agents/${ag.id}`).send({ name: 'Cached, renamed' })).status).toBe(200);
      rec.reset();
      expect((await meOnA()).body).toMatchObject({ name: 'Cached, renamed' });
      expect(agentReads()).toBe(1);
    } finally {
      rec.stop();
    }
  });

  it('answers with the new role and teams on the other node at the next request', async () => {
    const ag = await newAgent();
    expect((await meOnB(ag.token)).body).toMatchObject({ role: 'agent', teams: ['support'] });
    // an agent of support may not list tech's tickets; one of support and tech may
    expect((await b.http().get('/api/tickets?team=tech').set('Authorization', `Bearer ${ag.token}`)).status).toBe(403);
    expect((await admin.patch(`/api/agents/${ag.id}`).send({ role: 'supervisor', teams: ['support', 'tech'] })).status).toBe(200);
    expect((await meOnB(ag.token)).body).toMatchObject({ role: 'supervisor', teams: ['support', 'tech'] });
    expect((await b.http().get('/api/tickets?team=tech').set('Authorization', `Bearer ${ag.token}`)).status).toBe(200);
  });

  it('refuses a deactivated agent on the other node at once, and one signed out or with a new password', async () => {
    const gone = await newAgent();
    const reset = await newAgent();
    const out = await newAgent();
    for (const ag of [gone, reset, out]) expect((await meOnB(ag.token)).status).toBe(200);
    expect((await admin.patch(`/api/agents/${gone.id}`).send({ active: false })).status).toBe(200);
    expect((await admin.patch(`/api/agents/${reset.id}`).send({ password: 'another-good-one' })).status).toBe(200);
    expect((await a.http().post('/api/auth/logout').set('Authorization', `Bearer ${out.token}`)).status).toBe(204);
    for (const ag of [gone, reset, out]) {
      const res = await meOnB(ag.token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    // reactivated: a new sign-in works on the other node, with the agent read anew
    expect((await admin.patch(`/api/agents/${gone.id}`).send({ active: true })).status).toBe(200);
    expect((await meOnB(await a.login(`cached${n - 2}@demo.local`, 'a-good-password'))).status).toBe(200);
  });

  it('shows the agent\'s own new language on the other node', async () => {
    const ag = await newAgent();
    expect((await meOnB(ag.token)).body.locale).toBe('en');
    expect((await a.http().patch('/api/auth/me').set('Authorization', `Bearer ${ag.token}`).send({ locale: 'zh-CN' })).status).toBe(200);
    expect((await meOnB(ag.token)).body.locale).toBe('zh-CN');
  });

  describe('a store that does not answer during the check', () => {
    let silent: net.Server;
    let conn: mongoose.Connection;
    let auth: AuthService;
    const held: net.Socket[] = [];
    beforeAll(async () => {
      // accepts connections and never answers: a MongoDB that is overloaded or cut off
      silent = net.createServer((s) => void held.push(s));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const port = (silent.address() as net.AddressInfo).port;
      conn = mongoose.createConnection(`mongodb://127.0.0.1:${port}/silent`, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300, bufferTimeoutMS: 300 } as mongoose.ConnectOptions);
      conn.on('error', () => undefined);
      auth = new AuthService(agentModel(conn, a.clock), a.c.redis, a.config.queuePrefix);
    });
    afterAll(async () => {
      for (const s of held) s.destroy();
      await conn.close(true).catch(() => undefined);
      await new Promise((r) => silent.close(r));
    });

    /** A session for an agent this node has never read: the check must ask the (silent) store. */
    async function session(): Promise<string> {
      const token = crypto.randomBytes(32).toString('base64url');
      const hash = crypto.createHash('sha256').update(token).digest('hex');
      await a.c.redis.set(`${a.config.queuePrefix}:session:${hash}`, String(new mongoose.Types.ObjectId()), 'EX', 60);
      return token;
    }

    it('answers 503 with the JSON error, not 401', async () => {
      const api = new ApiRegistry((req) => auth.authenticate(bearerToken(req.headers.authorization)));
      const app = express();
      const r = express.Router();
      api.route(r, { method: 'get', path: '/api/auth/me', tag: 'auth', summary: 'me', auth: 'agent' }, async ({ principal }) => principal.toJSON());
      app.use(r);
      app.use(errorHandler(createLogger('silent')));
      const res = await request(app).get('/api/auth/me').set('Authorization', `Bearer ${await session()}`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
    });

    it('refuses an /agents socket with "unavailable", not "unauthorized", while Redis is away', async () => {
      const ag = await newAgent();
      await b.c.redis.disconnect();
      try {
        const s = ioClient(`${b.url}/agents`, { auth: { token: ag.token }, transports: ['websocket'], forceNew: true, reconnection: false });
        const code = await new Promise<string | undefined>((resolve) => {
          s.once('connect', () => resolve('connected'));
          s.once('connect_error', (err: Error & { data?: { error?: { code: string } } }) => resolve(err.data?.error?.code));
        });
        s.disconnect();
        expect(code).toBe('unavailable');
      } finally {
        await b.c.redis.connect().catch(() => undefined);
      }
    });
  });
});
