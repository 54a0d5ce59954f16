import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { cspViolations } from '../helpers/browser';
import { browserSuite } from '../helpers/browser-suite';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function axeViolations(page: Page): Promise<string[]> {
  // evaluated by the test driver, not as an inline script, so the page's CSP (no inline scripts) stays as it is
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run());
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

describe('help centre and widget suggestions in headless Chromium', () => {
  const web = browserSuite({ app: { workers: false } });
  beforeAll(async () => {
    await web.app.c.agents.setPresence(String((await web.app.c.models.Agent.findOne({ email: 'agent1@demo.local' }, { _id: 1 }).lean())!._id), 'online');
  }, 60000);

  it('renders the help centre in zh-CN on a 390 px phone, searches without JavaScript, and passes axe', async () => {
    const context = await web.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${web.app.url}/help`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.getByRole('heading', { level: 1, name: '我们能为您做些什么？' }).waitFor();
    await page.getByRole('link', { name: '故障排查' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('searchbox', { name: '搜索帮助中心' }).fill('洗衣机底下有水');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.getByRole('link', { name: '洗衣机漏水的检查与处理' }).click();
    await page.getByRole('heading', { level: 1, name: '洗衣机漏水的检查与处理' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();

    // axe needs script; the same pages with it enabled
    const withJs = await web.browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const p2 = await withJs.newPage();
    const violations = await cspViolations(p2);
    for (const url of ['/help', '/help/search?q=%E7%A9%BA%E8%B0%83%E4%B8%8D%E5%88%B6%E5%86%B7', '/help/model/AC-3500']) {
      await p2.goto(`${web.app.url}${url}`);
      expect(await axeViolations(p2)).toEqual([]);
    }
    await p2.getByRole('link').filter({ hasText: '空调' }).first().click();
    await p2.locator('article.kb h1').waitFor();
    expect(await axeViolations(p2)).toEqual([]);
    expect(violations).toEqual([]);
    await withJs.close();
  });

  it('suggests an article while the visitor types the first chat message; "this answered my question" ends it without a ticket', async () => {
    const before = await web.app.c.models.Ticket.countDocuments({ channel: 'chat' });
    const context = await web.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const violations = await cspViolations(page);
    await page.goto(`${web.app.url}/`);
    await page.locator('button.fab').click();
    await page.locator('form.prechat input[name=name]').fill('访客小王');
    await page.locator('form.prechat button[type=submit]').click();
    await page.locator('textarea[name=message]').fill('我家洗衣机底下有水');
    const suggestion = page.locator('#aftercare-chat .suggest a', { hasText: '洗衣机漏水的检查与处理' });
    await suggestion.waitFor({ timeout: 15000 });
    expect(await suggestion.getAttribute('href')).toMatch(/\/help\/[a-z0-9-]+$/);
    await page.locator('#aftercare-chat .suggest li', { hasText: '洗衣机漏水的检查与处理' }).getByRole('button', { name: '已解决我的问题' }).click();
    await page.locator('#aftercare-chat .answered-note').waitFor();
    expect(await page.locator('textarea[name=message]').inputValue()).toBe('');
    const manager = await web.app.as('manager@demo.local');
    const report = (await manager.get('/api/reports/kb')).body;
    expect(report.deflections).toBe(1);
    expect(report.articles[0].title).toBe('洗衣机漏水的检查与处理');
    expect(await web.app.c.models.Ticket.countDocuments({ channel: 'chat' })).toBe(before);
    expect(violations).toEqual([]);
    await context.close();
  });
});
