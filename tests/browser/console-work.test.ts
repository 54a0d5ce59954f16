import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SYSTEM } from '../../src/core/types';
import type { MovableClock } from '../../src/infra/clock';
import { startSink } from '../fixtures/mail/sink';
import { signIn } from '../helpers/console-page';
import { browserSuite } from '../helpers/browser-suite';

/** A real (tiny) PNG: signature, IHDR, IEND. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000049454e44ae426082', 'hex');

/** The daily work in the console: files both ways, callbacks worked to an outcome, escalations acknowledged. */
describe('console: attachments, the widget\'s photos, callbacks and escalations in headless Chromium', () => {
  const web = browserSuite({ mail: startSink });
  let site: http.Server;
  let siteUrl: string;
  beforeAll(async () => {
    // a customer's website on another origin, whose own CSS tries to restyle everything (the widget must keep its look)
    site = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html><head><style>div, button, * { font-family: "Courier New", monospace !important; line-height: 3 !important; letter-spacing: 4px; }</style></head><body><h1>Shop</h1>${'<p>Lorem ipsum</p>'.repeat(5)}<script src="${web.app.url}/chat-widget.js"></script></body></html>`);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  }, 60000);
  afterAll(async () => {
    await new Promise((r) => site?.close(r));
  });

  it('sends a reply with an attached file to the customer\'s mail', async () => {
    const { ticket } = await web.app.c.tickets.create({ channel: 'email', subject: 'Cracked door glass', team: 'support', customer: { name: 'Nina Berg', email: 'nina.berg@example.com' }, message: { channel: 'email', body: 'The oven door glass cracked.', author: { type: 'customer', name: 'Nina Berg' } } }, SYSTEM);
    const page = await signIn(web.browser, web.app.url, 'agent1@demo.local', { hash: `#/ticket/${ticket.number}` });
    await page.locator('.timeline .msg.customer', { hasText: 'cracked' }).waitFor();
    await page.locator('.composer input[type=file]').setInputFiles({ name: 'repair-quote.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nquote 1 glass 120 EUR\n%%EOF\n') });
    await page.locator('.uploads li[data-upload=ready]', { hasText: 'repair-quote.pdf' }).waitFor({ timeout: 15000 });
    // a pasted screenshot becomes an attachment too
    await page.locator('textarea[name=body]').focus();
    await page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'screenshot.png', { type: 'image/png' }));
      document.querySelector('textarea[name=body]')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    }, PNG.toString('base64'));
    await page.locator('.uploads li[data-upload=ready]', { hasText: 'screenshot.png' }).waitFor({ timeout: 15000 });
    await page.locator('textarea[name=body]').fill('Hello Nina, the quote for the new glass is attached.');
    await page.locator('.composer button[type=submit]').click();
    await page.locator('.timeline .msg.agent a[data-attachment]', { hasText: 'repair-quote.pdf' }).waitFor();
    await page.locator('.timeline .msg.agent img.thumb').waitFor({ timeout: 15000 }); // the pasted image, shown small
    const mail = await web.sink.next((m) => m.parsed.text?.includes('quote for the new glass') === true);
    expect(mail.rcpt).toEqual(['nina.berg@example.com']);
    expect(mail.parsed.attachments.map((a) => a.filename).sort()).toEqual(['repair-quote.pdf', 'screenshot.png']);
    expect(mail.parsed.attachments.find((a) => a.filename === 'repair-quote.pdf')!.content.toString()).toContain('quote 1 glass');
    await page.context().close();
  });

  it('lets a visitor send a photo from the widget, which the agent sees; the widget keeps its look, language and place', async () => {
    // an agent of the team is online, so the widget offers the chat (not the offline form)
    const agent = await signIn(web.browser, web.app.url, 'agent1@demo.local');
    const ctx = await web.browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'en-US' });
    const visitor = await ctx.newPage();
    visitor.on('pageerror', (err) => console.error('[visitor] page error', err));
    await visitor.goto(siteUrl);
    const widget = visitor.locator('#aftercare-chat');
    await widget.locator('button.fab').click();
    // the page's CSS does not reach into the widget
    const look = await widget.locator('.panel').evaluate((el) => ({ font: getComputedStyle(el).fontFamily, line: getComputedStyle(el).lineHeight, spacing: getComputedStyle(el).letterSpacing }));
    expect(look.font).not.toMatch(/Courier/);
    expect(look.spacing).toBe('normal');
    expect(parseFloat(look.line)).toBeLessThan(30);
    // the visitor switches the window to Chinese
    await widget.locator('button.lang').click();
    await widget.locator('.panel .title', { hasText: '售后服务' }).waitFor();
    await widget.locator('input[name=name]').fill('Lin Tao');
    await widget.locator('form.prechat button[type=submit]').click();
    // help articles are suggested while the first message is typed, in the language chosen
    await widget.locator('textarea[name=message]').pressSequentially('显示E4');
    await widget.locator('.suggest:not([hidden]) .suggest-title', { hasText: '以下文章也许能解答您的问题' }).waitFor({ timeout: 15000 });
    await widget.locator('.suggest li a', { hasText: 'E4' }).first().waitFor();
    await widget.locator('textarea[name=message]').fill('洗衣机显示E4，照片如下');
    await widget.locator('textarea[name=message]').press('Enter');
    await widget.locator('.msg.customer[data-id]', { hasText: 'E4' }).waitFor({ timeout: 15000 });
    await widget.locator('input[name=photo]').setInputFiles({ name: 'fault.png', mimeType: 'image/png', buffer: PNG });
    await widget.locator('.msg.customer[data-id] img.photo-thumb').waitFor({ timeout: 15000 });
    // a file that is not a photo is refused in words
    await widget.locator('input[name=photo]').setInputFiles({ name: 'notes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await widget.locator('.status', { hasText: '只能发送图片' }).waitFor();

    const number = (await web.app.c.models.Ticket.findOne({ subject: /洗衣机显示E4/ }).lean())!.number;
    await agent.goto(`${web.app.url}/console#/ticket/${number}`);
    await agent.locator('.timeline .msg.customer img.thumb').waitFor({ timeout: 15000 });
    await agent.locator('.timeline .msg.customer a[data-attachment]', { hasText: 'fault.png' }).waitFor();

    // a reload reopens the window where it was, in the chosen language, newest message in view
    await visitor.reload();
    await widget.locator('.panel:not([hidden])').waitFor();
    await widget.locator('.panel .title', { hasText: '售后服务' }).waitFor();
    await widget.locator('.msg.customer img.photo-thumb').waitFor({ timeout: 15000 });
    await visitor.waitForFunction(() => {
      const body = document.querySelector('#aftercare-chat')!.shadowRoot!.querySelector('.body') as HTMLElement;
      return body.scrollHeight <= body.clientHeight || body.scrollTop + body.clientHeight >= body.scrollHeight - 4;
    });
    await ctx.close();
    await agent.context().close();
  });

  it('works a follow-up call to "not solved", which reopens the ticket', async () => {
    const a1 = await web.app.as('agent1@demo.local');
    const created = await a1.post('/api/tickets').send({ channel: 'email', subject: 'Fridge too warm', body: 'The fridge is at 12 degrees.', type: 'fault', team: 'support', customer: { name: 'Omar Haddad', email: 'omar@example.com', phone: '+49 30 1234 5678' } });
    const n = created.body.number as number;
    await a1.post(`/api/tickets/${n}/messages`).send({ body: 'Please set the thermostat to 4.' });
    await a1.patch(`/api/tickets/${n}`).send({ status: 'solved' });
    // the follow-up task (回访) is there at once, due later; the customer wrote by mail, the phone is on their record
    const page = await signIn(web.browser, web.app.url, 'agent1@demo.local', { hash: '#/callbacks' });
    const task = page.locator('.task.kind-follow_up', { hasText: `#${n}` });
    await task.waitFor({ timeout: 15000 });
    expect(await task.locator('a.tel').first().getAttribute('href')).toBe('tel:+493012345678');
    await task.locator('input[name=note]').fill('Still 11 degrees');
    await task.locator('button[data-outcome=notSolved]').click();
    await task.locator('.badge.cbst-done').waitFor({ timeout: 15000 });
    expect((await a1.get(`/api/tickets/${n}`)).body.status).toBe('open');
    await page.goto(`${web.app.url}/console#/ticket/${n}`);
    await page.locator('.timeline .msg.event[data-event=callback_attempt]', { hasText: 'not solved' }).waitFor();
    await page.locator('.timeline .msg.event[data-event=status_changed]', { hasText: 'Solved → Open' }).waitFor();
    await page.context().close();
  });

  it('lets a supervisor acknowledge an escalation in the live feed', async () => {
    const { ticket } = await web.app.c.tickets.create({ channel: 'email', subject: 'Boiler leaking', team: 'support', priority: 'urgent', customer: { name: 'Uta', email: 'uta@example.com' }, message: { channel: 'email', body: 'Water everywhere.', author: { type: 'customer', name: 'Uta' } } }, SYSTEM);
    const sup = await signIn(web.browser, web.app.url, 'supervisor@demo.local', { hash: '#/dashboard' });
    await sup.locator('.team-cards').waitFor();
    // time passes past the first-response target: the evaluator records the breach and escalates
    (web.app.clock as MovableClock).advance(48 * 3600 * 1000);
    await web.app.c.modules.find((m) => m.name === 'sla')!.processors!().sla!.sweep!({} as never);
    const item = sup.locator(`.feed li.esc.breach`, { hasText: `#${ticket.number}` }).first();
    await item.waitFor({ timeout: 20000 });
    expect(await item.textContent()).not.toMatch(/第 0 级|level 0/);
    await item.locator('button[data-action=ack]').click();
    await item.locator('[data-testid=acknowledged]').waitFor();
    const fresh = await web.app.c.tickets.byNumber(ticket.number);
    expect(fresh.sla?.escalations.some((e) => e.acknowledgedAt)).toBe(true);
    // the acknowledgement is on the ticket's timeline
    await sup.goto(`${web.app.url}/console#/ticket/${ticket.number}`);
    await sup.locator('.timeline .msg.event[data-event=escalation_acknowledged]').waitFor();
    await sup.context().close();
  });
});
