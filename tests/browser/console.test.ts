import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import type { EmailModule } from '../../src/channels/email/email.module';
import { SYSTEM } from '../../src/core/types';
import { startSink } from '../fixtures/mail/sink';
import { nextEvent } from '../helpers/harness';
import { browserSuite } from '../helpers/browser-suite';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : null;

describe('agent console and supervisor dashboard in headless Chromium', () => {
  // every page signed in here must run under the CSP without a single violation
  const web = browserSuite({ mail: startSink, csp: true });
  const signIn = (email: string, hash = ''): Promise<Page> => web.signIn(email, { hash });

  it('shows a mailed-in ticket live, replies from the composer to the SMTP sink, shows a second viewer, and updates the dashboard live', async () => {
    const agent = await signIn('agent1@demo.local');
    await agent.locator('section.queue li.qi').first().waitFor();
    // a marker on the window survives everything but a page load
    await agent.evaluate(() => ((window as any).__sameDocument = true));

    // a customer writes to the support address through the SMTP intake
    const smtpPort = (web.app.c.modules.find((m) => m.name === 'email') as EmailModule).smtpPort;
    const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
    await mailer.sendMail({ from: 'Nora Lind <nora.lind@example.com>', to: 'support@demo.local', subject: 'Dryer stops after ten minutes', text: 'My TD-200 dryer stops after ten minutes and shows F3.', attachments: [{ filename: '保修卡.txt', content: 'warranty card TD-200 #4711' }] });
    const row = agent.locator('section.queue li.qi', { hasText: 'Dryer stops after ten minutes' });
    await row.waitFor({ timeout: 15000 });
    const number = Number(await row.getAttribute('data-number'));
    expect(number).toBeGreaterThan(0);

    await row.locator('a').click();
    await agent.locator('.timeline .msg.customer', { hasText: 'shows F3' }).waitFor();
    await agent.locator('aside.customer', { hasText: 'nora.lind@example.com' }).waitFor();
    // the attachment downloads with the agent's token (a plain link could not carry it)
    const [file] = await Promise.all([agent.waitForEvent('download'), agent.locator('a[data-attachment]', { hasText: '保修卡.txt' }).click()]);
    expect(file.suggestedFilename()).toBe('保修卡.txt');
    expect(fs.readFileSync((await file.path())!, 'utf8')).toBe('warranty card TD-200 #4711');

    // a supervisor opens the same ticket (in Chinese, her locale): the agent sees her
    const sup = await signIn('supervisor@demo.local', `#/ticket/${number}`);
    await sup.locator('.timeline .msg.customer', { hasText: 'shows F3' }).waitFor();
    await agent.locator('[data-testid=collision]', { hasText: 'Li Na (李娜)' }).waitFor({ timeout: 15000 });
    await sup.locator('textarea[name=body]').type('查看中');
    await agent.locator('[data-testid=collision] .typing', { hasText: 'Li Na' }).waitFor({ timeout: 15000 });

    // the agent answers from the composer with a canned response
    await agent.locator('.composer select').selectOption({ label: 'EN · Greeting' });
    expect(await agent.locator('textarea[name=body]').inputValue()).toContain(`Hello Nora Lind`);
    await agent.locator('textarea[name=body]').fill('Hello Nora, please clean the lint filter and try again.');
    await agent.locator('.composer button[type=submit]').click();
    await agent.locator('.timeline .msg.agent', { hasText: 'clean the lint filter' }).waitFor();
    await sup.locator('.timeline .msg.agent', { hasText: 'clean the lint filter' }).waitFor({ timeout: 15000 });
    const out = await web.sink.next((m) => m.parsed.text?.includes('clean the lint filter') === true);
    expect(out.rcpt).toEqual(['nora.lind@example.com']);
    expect(out.parsed.subject).toContain(`[#${number}]`);
    await agent.locator('.msg.agent .delivery.d-sent').waitFor({ timeout: 15000 });
    await row.filter({ hasText: 'Chen Jie' }).waitFor({ timeout: 15000 }); // the queue follows: now assigned to the replier
    if (SHOTS) await agent.screenshot({ path: path.join(SHOTS, 'console.png') });

    // the supervisor's dashboard: a new unassigned support ticket raises "waiting" without a reload
    await sup.goto(`${web.app.url}/console#/dashboard`);
    const waiting = sup.locator('[data-team=support] [data-k=waiting]');
    await waiting.waitFor();
    const before = Number(await waiting.textContent());
    await web.app.c.tickets.create({ channel: 'voice', subject: 'Oven door hinge broken', team: 'support', customer: { name: 'Otto', phone: '+49 40 555 0101' } }, SYSTEM);
    await sup.waitForFunction((n) => Number(document.querySelector('[data-team=support] [data-k=waiting]')?.textContent) === n, before + 1, { timeout: 15000 });
    await sup.locator('tr[data-agent="Chen Jie (陈杰)"]', { hasText: '在线' }).waitFor();

    // an escalation arrives in the live feed (sent as the SLA notifier sends it); the supervisor reassigns from there
    const late = (await web.app.c.tickets.create({ channel: 'email', subject: 'No hot water since Monday', team: 'support', priority: 'high', customer: { name: 'Hanna', email: 'hanna@example.com' } }, SYSTEM)).ticket;
    web.app.c.realtime.toTeam('support', 'escalation', { id: 'e1', ticketNumber: late.number, subject: late.subject, team: 'support', target: 'firstResponse', kind: 'breach', level: 1, dueAt: new Date().toISOString(), at: new Date().toISOString() });
    const item = sup.locator('.feed li.esc', { hasText: `#${late.number}` });
    await item.waitFor({ timeout: 15000 });
    const agent1Id = String((await web.app.c.models.Agent.findOne({ email: 'agent1@demo.local' }))!._id);
    await item.locator('select').selectOption(agent1Id);
    await agent.locator(`section.queue li.qi[data-number="${late.number}"]`, { hasText: 'Chen Jie' }).waitFor({ timeout: 15000 });
    expect(String((await web.app.c.tickets.byNumber(late.number)).assigneeId)).toBe(agent1Id);
    if (SHOTS) await sup.screenshot({ path: path.join(SHOTS, 'dashboard.png') });

    expect(await agent.evaluate(() => (window as any).__sameDocument)).toBe(true);
  });

  it("keeps a chat's queue row and open ticket current with the visitor's lines, which bring no ticket:updated of their own", async () => {
    const agent = await signIn('agent1@demo.local');
    await agent.locator('section.queue').waitFor();
    const visitor = web.app.socket('/chat', { name: 'Quinn Park', email: 'quinn@example.com' });
    await nextEvent(visitor, 'session', () => true, 10000);
    const say = (body: string, clientId: string): Promise<{ ticketNumber: number; error?: unknown }> => visitor.timeout(10000).emitWithAck('message:send', { body, clientId });
    const first = await say('My oven does not heat up', 'q-1');
    expect(first.error).toBeUndefined();
    const row = agent.locator(`section.queue li.qi[data-number="${first.ticketNumber}"]`);
    await row.locator('.preview', { hasText: 'My oven does not heat up' }).waitFor({ timeout: 15000 });
    // a later line changes only the row's preview: the console takes it from the message itself
    expect((await say('The display shows E4 now', 'q-2')).ticketNumber).toBe(first.ticketNumber);
    await row.locator('.preview', { hasText: 'The display shows E4 now' }).waitFor({ timeout: 15000 });
    // the open ticket shows the next line as it comes, and the row keeps following
    await row.locator('a').click();
    await agent.locator('.timeline .msg.customer', { hasText: 'The display shows E4 now' }).waitFor();
    await say('It is the model OV-60', 'q-3');
    await agent.locator('.timeline .msg.customer', { hasText: 'It is the model OV-60' }).waitFor({ timeout: 15000 });
    await row.locator('.preview', { hasText: 'It is the model OV-60' }).waitFor({ timeout: 15000 });
    visitor.disconnect();
  });

  it('holds back a reply written on a stale view and sends it on request', async () => {
    const agent = await signIn('agent1@demo.local');
    const { ticket } = await web.app.c.tickets.create({ channel: 'email', subject: 'Stale view check', team: 'support', customer: { name: 'Sven', email: 'sven@example.com' }, message: { channel: 'email', body: 'first', author: { type: 'customer', name: 'Sven' } } }, SYSTEM);
    await agent.goto(`${web.app.url}/console#/ticket/${ticket.number}`);
    await agent.locator('.timeline .msg', { hasText: 'first' }).waitFor();
    // a colleague's note lands, but this tab misses the live event (its socket is down for a moment)
    await agent.evaluate(() => (window as any).__aftercareSocket?.disconnect());
    const a2 = await web.app.as('admin@demo.local');
    await a2.post(`/api/tickets/${ticket.number}/messages`).send({ body: 'I called him already', internal: true });
    await agent.locator('textarea[name=body]').fill('My late answer');
    await agent.locator('.composer button[type=submit]').click();
    await agent.locator('[data-testid=stale]', { hasText: 'I called him already' }).waitFor();
    expect(await agent.locator('textarea[name=body]').inputValue()).toBe('My late answer');
    await agent.locator('[data-testid=stale] button.primary').click();
    await agent.locator('.timeline .msg.agent', { hasText: 'My late answer' }).waitFor();
  });
});
