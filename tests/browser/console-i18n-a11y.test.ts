import type { Page } from 'playwright-core';
import { SYSTEM } from '../../src/core/types';
import { axeViolations, horizontalOverflow, latinWords, signIn } from '../helpers/console-page';
import { browserSuite } from '../helpers/browser-suite';

/** Every page of each role, on a phone: what a department on the move sees. */
const PAGES: Record<string, string[]> = {
  'agent1@demo.local': ['#/', '#/ticket/1', '#/tickets', '#/tickets/1', '#/callbacks'],
  'supervisor@demo.local': ['#/', '#/ticket/1', '#/dashboard', '#/reports', '#/callbacks', '#/settings/canned', '#/settings/agents'],
  'manager@demo.local': ['#/tickets', '#/dashboard', '#/reports', '#/settings/sla', '#/settings/calendars', '#/settings/teams', '#/settings/agents', '#/settings/canned', '#/settings/hotline', '#/settings/audit', '#/dispatch', '#/returns', '#/products', '#/channels'],
  // the other areas' pages live in the same shell: an engineer starts on today's visits
  'engineer1@demo.local': ['#/', '#/visits'],
};

/** Names, subjects and product models of the demo are data, not English to translate. */
const DEMO_DATA = ['Chen', 'Jie', 'Li', 'Na', 'Wang', 'Min', 'Zhao', 'Lei', 'Sarah', 'Miller', 'Admin', 'Emma', 'Clarke', 'Tom', 'Becker', 'Raj', 'Patel', 'Washer', 'WM-800'];

describe('console: Chinese throughout, a phone layout, accessibility (headless Chromium)', () => {
  const web = browserSuite();
  beforeAll(async () => {
    // a ticket with every kind of change on its timeline, and a callback, so those pages have content
    const admin = await web.app.as('admin@demo.local');
    await admin.patch('/api/tickets/1').send({ priority: 'urgent', type: 'complaint' });
    await (await web.app.as('agent1@demo.local')).post('/api/tickets/1/messages').send({ body: '您好，我们会安排工程师上门。' });
    await web.app.c.tickets.create({ channel: 'voice', subject: '来电：+86 139 0000 1111', team: 'support', customer: { name: '王芳', phone: '+86 139 0000 1111' } }, SYSTEM);
  }, 60000);

  async function settle(page: Page, hash: string) {
    await page.goto(`${page.url().split('#')[0]}${hash}`);
    await page.locator('.main > *').first().waitFor();
    await page.waitForLoadState('networkidle').catch(() => undefined);
    await page.waitForFunction(() => !document.body.textContent?.includes('加载中') && !document.body.textContent?.includes('Loading…'), undefined, { timeout: 15000 }).catch(() => undefined);
  }

  it('has a real language switch on the login page, and keeps the choice on the account', async () => {
    const ctx = await web.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(`${web.app.url}/console`);
    await page.locator('form.login h2', { hasText: 'Sign in' }).waitFor();
    await page.locator('.lang-switch button[data-locale=zh-CN]').click();
    await page.locator('form.login h2', { hasText: '登录' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.locator('input[name=email]').fill('agent2@demo.local');
    await page.locator('input[name=password]').fill('wrong');
    await page.locator('form.login button[type=submit]').click();
    const err = await page.locator('form.login .error').textContent();
    expect(err).toContain('邮箱或密码错误'); // the server's code in words, not its English message
    await page.locator('input[name=password]').fill('demo-password');
    await page.locator('form.login button[type=submit]').click();
    await page.locator('[data-live=on]').waitFor({ state: 'attached', timeout: 20000 });
    await page.locator('.queue h2', { hasText: '实时队列' }).waitFor();
    const me = await (await web.app.as('agent2@demo.local')).get('/api/auth/me');
    expect(me.body.locale).toBe('zh-CN');
    await (await web.app.as('agent2@demo.local')).patch('/api/auth/me').send({ locale: 'en' });
    await ctx.close();
  });

  it('shows no English on the queue, ticket, dashboard, reports and settings in Chinese (DOM text walked)', async () => {
    const page = await signIn(web.browser, web.app.url, 'manager@demo.local', { locale: 'zh-CN' });
    await page.locator('.topbar nav a', { hasText: '工单队列' }).waitFor(); // the manager's account language
    const found: Record<string, string[]> = {};
    for (const hash of ['#/', '#/ticket/1', '#/tickets', '#/callbacks', '#/dashboard', '#/reports', '#/settings/sla', '#/settings/calendars', '#/settings/teams', '#/settings/agents', '#/settings/canned', '#/settings/hotline', '#/settings/audit']) {
      await settle(page, hash);
      if (hash === '#/settings/sla') await page.getByRole('button', { name: '新建策略' }).click();
      if (hash === '#/settings/calendars') await page.locator('[data-calendar]').first().click();
      if (hash === '#/tickets') await page.locator('.filters summary').click();
      const words = await latinWords(page, DEMO_DATA);
      if (words.length) found[hash] = words;
    }
    expect(found).toEqual({});
    // the timeline's every change is in Chinese and compact
    await settle(page, '#/ticket/1');
    const events = await page.locator('.timeline .msg.event .event-text').allTextContents();
    expect(events.join('\n')).toMatch(/修改了优先级：高 → 紧急、类型：故障\/维修 → 投诉/);
    expect(events.join('\n')).toMatch(/认领了工单/);
    await page.context().close();
  });

  it('fits every page of every role into 390×844 without sideways scrolling, with touch-sized controls', async () => {
    const problems: string[] = [];
    for (const [email, hashes] of Object.entries(PAGES)) {
      const page = await signIn(web.browser, web.app.url, email, { width: 390, height: 844 });
      for (const hash of hashes) {
        await settle(page, hash);
        const o = await horizontalOverflow(page);
        if (o.scrollWidth > o.width) problems.push(`${email} ${hash}: ${o.scrollWidth}px wide (${o.culprits.join(', ')})`);
      }
      // controls a finger hits are at least 44 px tall
      await settle(page, hashes[1]);
      const small = await page.evaluate(() =>
        [...document.querySelectorAll('button, select, a.button, input:not([type=checkbox]):not([type=radio]):not([type=file])')]
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .filter((e) => e.getBoundingClientRect().height < 44)
          .map((e) => `${e.tagName}.${(e as HTMLElement).className}`),
      );
      if (small.length) problems.push(`${email} ${hashes[1]}: small controls ${small.slice(0, 5).join(', ')}`);
      await page.context().close();
    }
    expect(problems).toEqual([]);
  });

  it('has a phone layout: the list, then the ticket with a way back', async () => {
    const page = await signIn(web.browser, web.app.url, 'agent1@demo.local', { width: 390, height: 844 });
    await page.locator('.queue li.qi').first().waitFor();
    expect(await page.locator('.detail-pane').isVisible()).toBe(false);
    await page.locator('.queue li.qi a').first().click();
    await page.locator('#ticket-title').waitFor();
    expect(await page.locator('.list-pane').isVisible()).toBe(false);
    await page.locator('.back-link').click();
    await page.locator('.queue li.qi').first().waitFor();
    // the menu opens the navigation
    await page.locator('.menu-toggle').click();
    await page.locator('#main-nav a[data-nav=tickets]').click();
    await page.locator('form[role=search]').waitFor();
    await page.context().close();
  });

  it('passes axe with no serious or critical violation on the main pages', async () => {
    const results: Record<string, unknown> = {};
    const login = await web.browser.newPage();
    await login.goto(`${web.app.url}/console`);
    await login.locator('form.login').waitFor();
    const l = await axeViolations(login);
    if (l.length) results['login'] = l;
    await login.close();
    const page = await signIn(web.browser, web.app.url, 'supervisor@demo.local');
    for (const hash of ['#/', '#/ticket/1', '#/tickets', '#/callbacks', '#/dashboard', '#/reports', '#/settings/canned']) {
      await settle(page, hash);
      const v = await axeViolations(page);
      if (v.length) results[hash] = v;
    }
    await page.context().close();
    expect(results).toEqual({});
  });
});
