import type { Socket } from 'socket.io-client';
import { eventually, nextEvent, startTestApp, TestApp } from '../helpers/harness';

/** A website visitor in the chat widget, with an open chat ticket. */
async function openChat(app: TestApp, auth: Record<string, unknown>, body: string): Promise<{ socket: Socket; ticketNumber: number }> {
  const socket = app.socket('/chat', auth);
  await nextEvent(socket, 'session', () => true, 10000);
  const ack = await socket.timeout(10000).emitWithAck('message:send', { body, clientId: `c-${Date.now()}` });
  expect(ack.error).toBeUndefined();
  return { socket, ticketNumber: ack.ticketNumber };
}

describe('satisfaction surveys in the chat widget', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { SURVEY_DELAY: 'PT1S', FOLLOWUP_DELAY: 'PT2S', TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app.close());

  async function solve(n: number) {
    const a1 = await app.as('agent1@demo.local');
    expect((await a1.post(`/api/tickets/${n}/messages`).send({ body: '请重启空调，十分钟后再试。' })).status).toBe(201);
    expect((await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' })).status).toBe(200);
  }

  async function surveysOf(n: number) {
    const sup = await app.as('supervisor@demo.local');
    return (await sup.get(`/api/surveys?ticket=${n}`)).body.surveys as { status: string; score: number | null; offeredVia: string | null; round: number; comment: string | null }[];
  }

  it('offers the survey in the widget while the visitor is there; the widget rating answers it', async () => {
    const { socket, ticketNumber } = await openChat(app, { name: '陈静', email: 'chen.jing@example.cn', locale: 'zh-CN' }, '空调不制冷');
    const offer = nextEvent<{ token: string; url: string; ticketNumber: number }>(socket, 'survey:offer', (p) => p.ticketNumber === ticketNumber, 15000);
    await solve(ticketNumber);
    const offered = await offer;
    expect(offered.token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(offered.url).toContain(`/survey/${offered.token}`);
    const [s] = await eventually(async () => {
      const all = await surveysOf(ticketNumber);
      return all[0]?.status === 'offered' ? all : null;
    });
    expect(s.offeredVia).toBe('chat');

    const sup = await app.agentSocket('supervisor@demo.local');
    const escalation = nextEvent(sup, 'escalation', (p: { ticketNumber: number; target: string }) => p.ticketNumber === ticketNumber && p.target === 'satisfaction', 15000);
    const ack = await socket.timeout(10000).emitWithAck('chat:rate', { score: 1, comment: '没有解决' });
    expect(ack).toEqual({ ok: true });
    await escalation;
    const [answered] = await surveysOf(ticketNumber);
    expect(answered).toMatchObject({ status: 'answered', score: 1, comment: '没有解决', offeredVia: 'chat' });
    // the signed link of the same survey now says it was answered
    const page = await app.http().post(`/survey/${offered.token}`).type('form').send({ score: '5' });
    expect(page.status).toBe(409);
  });

  it('a rating given when the chat ends, before the solve, is the survey: the solve does not ask again', async () => {
    const { socket, ticketNumber } = await openChat(app, { name: 'Visitor Vera', email: 'vera@example.com', locale: 'en' }, 'Is my kettle under warranty?');
    expect(await socket.timeout(10000).emitWithAck('chat:rate', { score: 5 })).toEqual({ ok: true });
    const [rated] = await surveysOf(ticketNumber);
    expect(rated).toMatchObject({ status: 'answered', score: 5, round: 1 });
    await solve(ticketNumber);
    socket.disconnect();
    // a solved ticket created afterwards gets its survey: the delay has passed for this one too
    const other = await openChat(app, { name: 'Control', email: 'control@example.com' }, 'control');
    other.socket.disconnect();
    await solve(other.ticketNumber);
    await eventually(async () => (await surveysOf(other.ticketNumber))[0]?.status === 'offered', 15000);
    const all = await surveysOf(ticketNumber);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ status: 'answered', score: 5 });
  });

  it('falls back to email when the visitor has left', async () => {
    const { socket, ticketNumber } = await openChat(app, { name: 'Gone Gary', email: 'gone.gary@example.com', locale: 'en' }, 'Fan is loud');
    socket.disconnect();
    await solve(ticketNumber);
    const [s] = await eventually(async () => {
      const all = await surveysOf(ticketNumber);
      return all[0]?.status === 'offered' ? all : null;
    }, 15000);
    expect(s.offeredVia).toBe('email');
  });
});
