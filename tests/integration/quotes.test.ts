import { MovableClock } from '../../src/infra/clock';
import { statusUrl } from '../../src/modules/portal/signed-link';
import type { AppModule } from '../../src/modules/app-module';
import type { QuoteService } from '../../src/modules/quotes/quote.service';
import { startSink } from '../fixtures/mail/sink';
import { TestApp } from '../helpers/harness';
import { appSuite } from '../helpers/app-suite';

type As = Awaited<ReturnType<TestApp['as']>>;

/**
 * Quotes and payment before paid work (先款后货) on the real stores: the out-of-warranty repair
 * is held back, the quote goes out by mail (a real SMTP sink), a scanner's GET of the link changes
 * nothing, the customer accepts once by POST, the exact total is paid, and dispatch opens.
 */
describe('quotes and payment', () => {
  const clock = new MovableClock();
  clock.set('2031-03-03T01:00:00Z');
  const suite = appSuite({ app: { clock }, mail: startSink });
  let manager: As;
  let sup: As;
  let agent2: As;
  let engineer1: string;
  const quotes = () => (suite.app.c.modules.find((m) => m.name === 'quotes') as AppModule & { quotes: QuoteService }).quotes;
  const window = () => {
    const start = new Date(clock.now().getTime() + 3 * 3600_000);
    return { start: start.toISOString(), end: new Date(start.getTime() + 7200_000).toISOString() };
  };
  const pathOf = (url: string) => new URL(url).pathname;
  const form = (path: string, body: string) => suite.app.http().post(path).type('form').send(body);

  beforeAll(async () => {
    [manager, sup, agent2] = await Promise.all(['manager@demo.local', 'supervisor@demo.local', 'agent2@demo.local'].map((e) => suite.app.as(e)));
    engineer1 = String((await suite.app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
  });

  it('holds the out-of-warranty repair until its quote, mailed with a link, is accepted and paid with the exact total', async () => {
    const ticket = (await suite.app.c.models.Ticket.findOne({ subject: /Washer leaking/ }))!.number; // Emma's WM-800, out of warranty
    const wo = (await manager.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'Washer leaking again', address: '1 Oxford Street, London' })).body;
    expect(wo.payment).toEqual({ required: true, status: 'awaiting' });
    const gated = await manager.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1, window: window() });
    expect(gated.status).toBe(409);
    expect(gated.body.error.code).toBe('payment_required');

    const lines = [
      { kind: 'part', sku: 'WM-PMP-08', qty: 1 },
      { kind: 'labour', description: 'Pump replacement, 1 h', qty: 1, unitPrice: 15000 },
      { kind: 'travel', description: 'Call-out', qty: 1, unitPrice: 5000 },
    ];
    expect((await agent2.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ kind: 'part', sku: 'WM-PMP-08', qty: 1, unitPrice: 1 }] })).body.error.code).toBe('price_mismatch');
    expect((await agent2.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ kind: 'labour', qty: 1, unitPrice: 10.5, description: 'x' }] })).status).toBe(400);
    const created = await agent2.post(`/api/tickets/${ticket}/quotes`).send({ lines, workOrderId: wo.id });
    expect(created.status).toBe(201);
    const quote = created.body;
    expect(quote).toMatchObject({ number: expect.stringMatching(/^Q-\d{6}$/), status: 'sent', currency: 'CNY', total: 16800 + 15000 + 5000, validDays: 7 });
    expect(quote.lines[0]).toMatchObject({ sku: 'WM-PMP-08', description: 'Drain pump', unitPrice: 16800, amount: 16800 });
    expect(new Date(quote.validUntil).getTime() - clock.now().getTime()).toBeGreaterThan(6.9 * 24 * 3600_000);
    expect((await sup.get(`/api/quotes/${quote.id}`)).status).toBe(404); // not the supervisor's team

    const mail = await suite.sink.next((m) => m.rcpt.includes('emma.clarke@example.com') && (m.parsed.subject ?? '').includes(quote.number), 15_000);
    expect(mail.parsed.subject).toContain('¥368.00');
    expect(mail.parsed.text).toContain('Drain pump: 1 × ¥168.00 = ¥168.00');
    const link = /https?:\/\/\S+\/quote\/\S+/.exec(mail.parsed.text ?? '')![0];

    // a mail scanner opens the link (twice): nothing changes
    for (let i = 0; i < 2; i++) {
      const page = await suite.app.http().get(pathOf(link));
      expect(page.status).toBe(200);
      expect(page.text).toContain('¥368.00');
      expect(page.text).toContain('method="post"');
      expect(page.text).not.toMatch(/<script/i);
    }
    expect((await agent2.get(`/api/quotes/${quote.id}`)).body.status).toBe('sent');
    // the ticket's status page (the link in every mail to the customer) lists the quote with the way to answer it
    const ticketId = String((await suite.app.c.models.Ticket.findOne({ number: ticket }))!._id);
    const statusPath = pathOf(statusUrl(suite.app.c.config.publicUrl, suite.app.c.config.sessionSecret, ticketId));
    const status = await suite.app.http().get(statusPath);
    expect(status.status).toBe(200);
    expect(status.text).toContain(`${quote.number} – ¥368.00 – awaiting your answer`);
    expect(status.text).toContain(pathOf(link));
    expect((await suite.app.http().get(`${pathOf(link)}x`)).status).toBe(404); // a forged token
    expect((await form(pathOf(link), 'decision=maybe')).status).toBe(400);
    expect((await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total, reference: 'BANK-1' })).body.error.code).toBe('quote_not_accepted');

    const accepted = await form(pathOf(link), 'decision=accept');
    expect(accepted.status).toBe(200);
    expect(accepted.text).toContain('quote accepted');
    const second = await form(pathOf(link), 'decision=decline');
    expect(second.status).toBe(409); // one answer
    expect((await agent2.get(`/api/quotes/${quote.id}`)).body.status).toBe('accepted');
    expect((await manager.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1, window: window() })).body.error.code).toBe('payment_required'); // accepted is not paid

    expect((await agent2.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total, reference: 'BANK-1' })).status).toBe(403);
    const short = await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total - 1, reference: 'BANK-1' });
    expect(short.status).toBe(422);
    expect(short.body.error.code).toBe('amount_mismatch');
    expect((await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: 368, reference: 'BANK-1' })).status).toBe(422); // yuan are not fen
    const paid = await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total, reference: 'BANK-1' });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'paid', payment: { amount: 36800, reference: 'BANK-1', by: { name: 'Wang Min (王敏)' } } });
    const again = await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total, reference: 'BANK-1' });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total, reference: 'BANK-2' })).body.error.code).toBe('already_paid');

    const woNow = (await manager.get(`/api/work-orders/${wo.id}`)).body;
    expect(woNow.payment).toEqual({ required: true, quoteId: quote.id, status: 'paid' });
    const dispatched = await manager.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1, window: window() });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.status).toBe('dispatched');
    expect((await agent2.get(`/api/tickets/${ticket}/quotes`)).body.quotes.map((q: { id: string; status: string }) => [q.id, q.status])).toEqual([[quote.id, 'paid']]);
    const page = await suite.app.http().get(pathOf(link));
    expect(page.text).not.toContain('method="post"'); // answered: no form any more
    const statusNow = (await suite.app.http().get(statusPath)).text;
    expect(statusNow).toContain(`${quote.number} – ¥368.00 – paid`);
    expect(statusNow).not.toContain(pathOf(link)); // nothing left to answer
    // the ticket's timeline tells the story, by type
    const timeline = (await agent2.get(`/api/tickets/${ticket}/messages`)).body.messages.filter((m: { kind: string; event?: { data: { number?: string } } }) => m.kind === 'event' && m.event?.data.number === quote.number);
    expect(timeline.map((m: { event: { type: string } }) => m.event.type)).toEqual(['quote_sent', 'quote_accepted', 'quote_paid']);
    expect(timeline[2].event.data).toMatchObject({ totalText: '¥368.00', reference: 'BANK-1', by: 'Wang Min (王敏)' });
  });

  it('shows on the work order that the customer declined its quote, until a new quote is sent and accepted', async () => {
    const ticket = (await suite.app.c.models.Ticket.findOne({ subject: /Washer leaking/ }))!.number;
    const wo = (await manager.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: 'Washer leaking, second visit', address: '1 Oxford Street, London' })).body;
    const lines = [{ kind: 'labour', description: 'Seal replacement, 1 h', qty: 1, unitPrice: 12000 }];
    const first = (await agent2.post(`/api/tickets/${ticket}/quotes`).send({ lines, workOrderId: wo.id })).body;
    expect((await manager.get(`/api/work-orders/${wo.id}`)).body.payment).toEqual({ required: true, quoteId: first.id, status: 'awaiting', quoteStatus: 'sent' });
    const firstMail = await suite.sink.next((m) => (m.parsed.subject ?? '').includes(first.number), 15_000);
    expect((await form(pathOf(/https?:\/\/\S+\/quote\/\S+/.exec(firstMail.parsed.text ?? '')![0]), 'decision=decline')).status).toBe(200);
    const declined = (await manager.get(`/api/work-orders/${wo.id}`)).body;
    expect(declined.payment).toEqual({ required: true, quoteId: first.id, status: 'awaiting', quoteStatus: 'declined' });
    // still not dispatched: declined is not paid
    expect((await manager.patch(`/api/work-orders/${wo.id}`).send({ engineer: engineer1, window: window() })).body.error.code).toBe('payment_required');
    // the dispatcher's pool lists it as declined, not as a wait
    const pool = await manager.get(`/api/work-orders?ticket=${ticket}`);
    expect(pool.body.workOrders.find((w: { id: string }) => w.id === wo.id).payment.quoteStatus).toBe('declined');

    // a cheaper quote for the same visit, and a third one: the work order follows the newest
    const linkOf = async (q: { number: string }) => pathOf(/https?:\/\/\S+\/quote\/\S+/.exec((await suite.sink.next((m) => (m.parsed.subject ?? '').includes(q.number), 15_000)).parsed.text ?? '')![0]);
    const second = (await agent2.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ ...lines[0], unitPrice: 9000 }], workOrderId: wo.id })).body;
    expect((await manager.get(`/api/work-orders/${wo.id}`)).body.payment).toEqual({ required: true, quoteId: second.id, status: 'awaiting', quoteStatus: 'sent' });
    const third = (await agent2.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ ...lines[0], unitPrice: 8000 }], workOrderId: wo.id })).body;
    // the customer declines the second from its older mail: the third is still waiting for an answer
    expect((await form(await linkOf(second), 'decision=decline')).status).toBe(200);
    expect((await manager.get(`/api/work-orders/${wo.id}`)).body.payment).toEqual({ required: true, quoteId: third.id, status: 'awaiting', quoteStatus: 'sent' });
    expect((await form(await linkOf(third), 'decision=accept')).status).toBe(200);
    expect((await manager.get(`/api/work-orders/${wo.id}`)).body.payment).toEqual({ required: true, quoteId: third.id, status: 'awaiting', quoteStatus: 'accepted' });
  });

  it("shows the page in the customer's language with a switch, and expires unanswered quotes (derived on read, then by the timer's sweep)", async () => {
    const ticket = (await suite.app.c.models.Ticket.findOne({ subject: /E4/ }))!.number; // 张伟, zh-CN
    const quote = (await manager.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ kind: 'part', sku: 'AC-CAP-35', qty: 2 }, { kind: 'labour', description: '更换电容', qty: 1, unitPrice: 8000 }], validDays: 1 })).body;
    expect(quote.total).toBe(2 * 8500 + 8000);
    expect(quote.lines[0].description).toBe('压缩机启动电容 35µF');
    const mail = await suite.sink.next((m) => m.rcpt.includes('zhang.wei@example.cn') && (m.parsed.subject ?? '').includes(quote.number), 15_000);
    expect(mail.parsed.subject).toContain('报价单');
    const path = pathOf(/https?:\/\/\S+\/quote\/\S+/.exec(mail.parsed.text ?? '')![0]);
    const zh = await suite.app.http().get(path);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('接受报价');
    expect(zh.text).toContain('¥250.00');
    const en = await suite.app.http().get(`${path}?lang=en`);
    expect(en.text).toContain('Accept the quote');

    clock.advance(2 * 24 * 3600_000);
    expect((await manager.get(`/api/quotes/${quote.id}`)).body.status).toBe('expired');
    const late = await form(path, 'decision=accept');
    expect(late.status).toBe(410);
    expect(late.text).toContain('报价已过期');
    expect(await quotes().sweep()).toBeGreaterThanOrEqual(1);
    expect((await suite.app.c.conn.collection('quotes').findOne({ number: quote.number }))!.status).toBe('expired');
    expect((await manager.post(`/api/quotes/${quote.id}/payment`).send({ amount: quote.total, reference: 'LATE-1' })).body.error.code).toBe('quote_expired');
  });
});
