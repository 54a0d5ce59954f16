import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cspViolations } from '../helpers/browser';
import { nextEvent } from '../helpers/harness';
import { browserSuite } from '../helpers/browser-suite';

describe('chat widget in headless Chromium', () => {
  const web = browserSuite();
  beforeAll(async () => {
    // someone of the support team is online, so the widget offers the live chat rather than the offline form
    await web.app.c.agents.setPresence(String((await web.app.c.models.Agent.findOne({ email: 'agent1@demo.local' }, { _id: 1 }).lean())!._id), 'online');
  }, 60000);

  it('loads the demo page, opens the widget, chats with an agent, and resumes after a reload', async () => {
    const agent = await web.app.agentSocket('agent1@demo.local');
    const context = await web.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const violations = await cspViolations(page);
    await page.goto(`${web.app.url}/`);
    const fab = page.locator('button.fab');
    await fab.waitFor();
    // the host page paints every button hot pink; the widget's button keeps its own colour
    expect(await fab.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe('rgb(255, 105, 180)');
    await fab.click();

    await page.locator('form.prechat input[name=name]').fill('Browser Bob');
    await page.locator('form.prechat input[name=email]').fill('bob@example.com');
    await page.locator('form.prechat button[type=submit]').click();

    const created = nextEvent(agent, 'ticket:created', (t: any) => t.channel === 'chat' && t.customer?.name === 'Browser Bob', 15000);
    await page.locator('textarea[name=message]').fill('My washer shows error E21');
    await page.locator('textarea[name=message]').press('Enter');
    const ticket = await created;
    expect(ticket.subject).toBe('My washer shows error E21');
    await page.locator('.msg.customer:not(.pending)', { hasText: 'My washer shows error E21' }).waitFor();

    const a1 = await web.app.as('agent1@demo.local');
    const reply = 'Hi Bob <img src=x onerror="window.pwned=1"> please unplug it for 5 minutes.';
    expect((await a1.post(`/api/tickets/${ticket.number}/messages`).send({ body: reply })).status).toBe(201);
    const shown = page.locator('.msg.agent', { hasText: 'please unplug it' });
    await shown.waitFor({ timeout: 15000 });
    expect(await shown.textContent()).toContain(reply); // shown as text, markup and all
    expect(await page.locator('#aftercare-chat img').count()).toBe(0);
    expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
    await page.getByText('Chen Jie (陈杰) has joined the chat').waitFor();

    // a reload keeps the conversation and the same chat, and the window open as it was
    await page.reload();
    await page.locator('.panel:not([hidden])').waitFor();
    expect(await page.locator('button.fab').isVisible()).toBe(false);
    await page.locator('.msg.agent', { hasText: 'please unplug it' }).waitFor();
    await page.locator('textarea[name=message]').fill('It works again, thanks');
    await page.locator('textarea[name=message]').press('Enter');
    await page.locator('.msg.customer:not(.pending)', { hasText: 'It works again' }).waitFor();
    const msgs = await a1.get(`/api/tickets/${ticket.number}/messages`);
    expect(msgs.body.messages.map((m: any) => m.body)).toContain('It works again, thanks');
    expect(violations).toEqual([]); // the demo page and the widget run under the CSP as they are
    await context.close();
  }, 60000);

  it('speaks Chinese to a Chinese browser', async () => {
    const context = await web.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${web.app.url}/`);
    expect(await page.locator('button.fab').textContent()).toBe('在线客服');
    await context.close();
  }, 30000);

  it('works embedded on another site: the script loads cross-origin and the chat connects', async () => {
    const agent = await web.app.agentSocket('agent1@demo.local');
    const context = await web.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const violations = await cspViolations(page);
    // a shop on its own origin (another port) with the one script tag of the README
    const shop = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body><h1>Shop</h1><script src="${web.app.url}/chat-widget.js" data-team="support" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    await page.goto(`http://localhost:${(shop.address() as AddressInfo).port}/products`);
    await page.locator('button.fab').click();
    await page.locator('form.prechat input[name=name]').fill('Shop Sally');
    await page.locator('form.prechat button[type=submit]').click();
    const created = nextEvent(agent, 'ticket:created', (t: any) => t.channel === 'chat' && t.subject === 'Bought a kettle here', 15000);
    await page.locator('textarea[name=message]').fill('Bought a kettle here');
    await page.locator('textarea[name=message]').press('Enter');
    await page.locator('.msg.customer:not(.pending)', { hasText: 'Bought a kettle here' }).waitFor({ timeout: 15000 });
    expect((await created).team).toBe('support');
    expect(violations).toEqual([]);
    await context.close();
    shop.close();
  }, 60000);
});
