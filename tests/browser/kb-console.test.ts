import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { signInConsole } from '../helpers/browser';
import { browserSuite } from '../helpers/browser-suite';

const PHONE = { width: 390, height: 844 };
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
/** axe's violations inside `selector`, each with the elements it names (so that a failure says where). */
async function axeViolations(page: Page, selector: string): Promise<string[]> {
  await page.evaluate(AXE);
  type Result = { violations: { id: string; nodes: { target: string[] }[] }[] };
  const result = await page.evaluate(async (sel) => (window as unknown as { axe: { run(c: string): Promise<Result> } }).axe.run(sel), selector);
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
const fitsWidth = async (page: Page, width: number) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

/**
 * The console's knowledge base in headless Chromium, in zh-CN: an agent writes a draft from a
 * solved ticket, a publisher publishes it, the public help centre finds it, and the agent who may
 * not publish meets the server's 403 in their language; two editors meet a version conflict.
 */
describe('knowledge base in the console (headless Chromium)', () => {
  const web = browserSuite({ app: { workers: false } });
  let ticket: number;
  let articleId: string;
  beforeAll(async () => {
    // the console speaks the account's language: these agents work in Chinese
    for (const who of ['agent1@demo.local', 'agent2@demo.local']) expect((await (await web.app.as(who)).patch('/api/auth/me').send({ locale: 'zh-CN' })).status).toBe(200);
    // a solved complaint of agent2's team, with the customer's phone in it (to be removed by the writer)
    const a2 = await web.app.as('agent2@demo.local');
    const created = await a2.post('/api/tickets').send({ channel: 'voice', subject: '洗碗机门关不严漏水', body: '我是张伟，电话13800138000，洗碗机门关不上，底下漏水。', team: 'complaints', customer: { name: '张伟', phone: '+86 138 0013 8000' } });
    expect(created.status).toBe(201);
    ticket = created.body.number;
    expect((await a2.post(`/api/tickets/${ticket}/messages`).send({ body: '请检查门封条是否脱落，把门封条按回槽里，再调整门铰链。', status: 'solved' })).status).toBe(201);
  }, 60000);

  it('writes a draft from a solved ticket on a 390 px phone, in zh-CN', async () => {
    const page = await signInConsole(web.browser, web.app.url, 'agent2@demo.local', { locale: 'zh-CN', viewport: PHONE, hash: `#/ticket/${ticket}` });
    await page.getByRole('link', { name: '根据此工单撰写文章' }).click();
    const editor = page.getByTestId('kb-editor');
    await editor.waitFor();
    await page.getByTestId('kb-from-ticket').filter({ hasText: '请删除姓名、电话' }).waitFor();
    const title = page.getByLabel('标题');
    expect(await title.inputValue()).toBe('洗碗机门关不严漏水');
    const body = page.getByLabel('正文（Markdown）');
    expect(await body.inputValue()).toContain('13800138000');
    expect(await body.inputValue()).toContain('门封条');
    // the agent removes the personal data, edits, previews
    await title.fill('洗碗机门关不严、底下漏水怎么办');
    await body.fill((await body.inputValue()).replace('我是张伟，电话13800138000，', ''));
    await page.getByRole('tab', { name: '预览' }).click();
    await page.getByTestId('kb-preview').locator('h2').first().waitFor();
    expect(await page.getByTestId('kb-preview').innerText()).not.toContain('13800138000');
    await fitsWidth(page, PHONE.width);
    // agent2 may not publish: only "save draft", and the screen says who publishes
    expect(await page.getByRole('button', { name: '发布', exact: true }).count()).toBe(0);
    await page.getByText('由技术支持、主管或经理发布').waitFor();
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByTestId('kb-saved').filter({ hasText: '已保存为草稿（第 1 版）' }).waitFor();
    await page.waitForURL(/#\/kb\/[0-9a-f]{24}$/);
    articleId = /#\/kb\/([0-9a-f]{24})$/.exec(page.url())![1];
    const stored = await web.app.c.modules.find((m) => m.name === 'kb')!;
    const a = await (stored as unknown as { kb: { byId(id: string): Promise<{ status: string; locale: string; sourceTicket: number; body: string; title: string }> } }).kb.byId(articleId);
    expect(a).toEqual(expect.objectContaining({ status: 'draft', locale: 'zh-CN', sourceTicket: ticket, title: '洗碗机门关不严、底下漏水怎么办' }));
    expect(a.body).not.toContain('13800138000');
    // the public does not see a draft
    expect((await web.app.http().get('/api/help/search').query({ q: '洗碗机漏水', locale: 'zh-CN' })).body.items.map((i: { id: string }) => i.id)).not.toContain(articleId);
    await page.context().close();
  });

  it('a publisher finds the draft in the list (status, language, audience) and publishes it; /help finds it', async () => {
    const page = await signInConsole(web.browser, web.app.url, 'supervisor@demo.local', { locale: 'zh-CN', hash: '#/kb' });
    const list = page.getByTestId('kb-list');
    await list.waitFor();
    const filters = page.locator('form.kb-filters');
    await filters.locator('select[name=status]').selectOption('draft');
    await filters.locator('select[name=locale]').selectOption('zh-CN');
    await filters.locator('select[name=visibility]').selectOption('public');
    await page.getByRole('searchbox', { name: '搜索文章' }).fill('洗碗机门漏水');
    await page.getByRole('button', { name: '搜索文章' }).click();
    const row = list.locator(`[data-article="${articleId}"]`);
    await row.waitFor();
    // the audience filter: the same search among internal drafts does not list it
    await filters.locator('select[name=visibility]').selectOption('internal');
    await row.waitFor({ state: 'detached' });
    await filters.locator('select[name=visibility]').selectOption('public');
    await row.getByRole('link').click();
    await page.getByTestId('kb-editor').waitFor();
    await page.getByRole('button', { name: '发布', exact: true }).click();
    await page.getByTestId('kb-saved').filter({ hasText: '已发布（第 2 版）' }).waitFor();
    await page.locator('[data-status=published]').waitFor();

    const help = await web.browser.newContext({ locale: 'zh-CN', viewport: PHONE, javaScriptEnabled: false });
    const hp = await help.newPage();
    await hp.goto(`${web.app.url}/help/search?q=${encodeURIComponent('洗碗机门关不上漏水')}`);
    await hp.getByRole('link', { name: '洗碗机门关不严、底下漏水怎么办' }).click();
    await hp.getByRole('heading', { level: 1, name: '洗碗机门关不严、底下漏水怎么办' }).waitFor();
    expect(await hp.locator('article').innerText()).toContain('门封条');
    await fitsWidth(hp, PHONE.width);
    await help.close();
    await page.context().close();
  });

  it('an agent who may not publish meets the 403 in zh-CN when changing the published article, and nothing changes', async () => {
    const page = await signInConsole(web.browser, web.app.url, 'agent2@demo.local', { locale: 'zh-CN', viewport: PHONE, hash: `#/kb/${articleId}` });
    const body = page.getByLabel('正文（Markdown）');
    await body.waitFor();
    await body.fill('随便改一下');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByTestId('kb-error').filter({ hasText: '只有技术支持、主管和经理可以发布文章或修改已发布的文章。' }).waitFor();
    const after = await (await web.app.as('agent2@demo.local')).get(`/api/kb/articles/${articleId}`);
    expect(after.body).toEqual(expect.objectContaining({ version: 2, status: 'published' }));
    expect(after.body.body).toContain('门封条');
    // what the agent typed is still there to copy
    expect(await body.inputValue()).toBe('随便改一下');
    await fitsWidth(page, PHONE.width);
    expect(await axeViolations(page, '.kb-page')).toEqual([]);
    // the list on the phone, from the nav entry every agent has
    // on a phone the navigation folds into the menu
    await page.locator('button.menu-toggle').click();
    await page.locator('[data-nav=kb]').click();
    await page.getByTestId('kb-list').locator(`[data-article="${articleId}"]`).waitFor();
    await fitsWidth(page, PHONE.width);
    expect(await axeViolations(page, '.kb-page')).toEqual([]);
    await page.context().close();
  });

  it('two editors: the second save meets the conflict, sees the other version, overwrites nothing; versions read back', async () => {
    const first = await signInConsole(web.browser, web.app.url, 'supervisor@demo.local', { locale: 'zh-CN', hash: `#/kb/${articleId}` });
    const second = await signInConsole(web.browser, web.app.url, 'agent1@demo.local', { locale: 'zh-CN', hash: `#/kb/${articleId}` });
    for (const p of [first, second]) await p.getByLabel('正文（Markdown）').waitFor();
    await first.getByLabel('标题').fill('洗碗机门关不严漏水的处理');
    await first.getByRole('button', { name: '保存（保持发布）' }).click();
    await first.getByTestId('kb-saved').filter({ hasText: '第 3 版' }).waitFor();

    await second.getByLabel('标题').fill('第二位编辑的标题');
    await second.getByRole('button', { name: '保存（保持发布）' }).click();
    const conflict = second.getByTestId('kb-conflict');
    await conflict.filter({ hasText: '保存了第 3 版' }).waitFor();
    await conflict.getByRole('heading', { name: '洗碗机门关不严漏水的处理' }).waitFor();
    await second.getByTestId('kb-error').filter({ hasText: '其他人已保存了这篇文章' }).waitFor();
    expect(await second.getByLabel('标题').inputValue()).toBe('第二位编辑的标题');
    const stored = (await (await web.app.as('agent1@demo.local')).get(`/api/kb/articles/${articleId}`)).body;
    expect(stored).toEqual(expect.objectContaining({ version: 3, title: '洗碗机门关不严漏水的处理' }));
    // the agent decides: keep their own text, saved as the next version after the other one
    await conflict.getByRole('button', { name: '保留我的内容，在其后保存' }).click();
    await second.getByRole('button', { name: '保存（保持发布）' }).click();
    await second.getByTestId('kb-saved').filter({ hasText: '第 4 版' }).waitFor();

    // versions: the first one, read-only, as agent2 wrote it
    const versions = second.getByTestId('kb-versions');
    await versions.getByRole('button', { name: '第 1 版' }).click();
    const v1 = second.getByTestId('kb-version');
    await v1.getByRole('heading', { name: '洗碗机门关不严、底下漏水怎么办' }).waitFor();
    await v1.filter({ hasText: 'Sarah Miller' }).waitFor();

    // its English translation, from the editor: the pair links both ways
    await first.reload();
    await first.getByRole('link', { name: '撰写英文 (English)译文' }).click();
    await first.getByText('“第二位编辑的标题”的译文').waitFor();
    expect(await first.locator('.kb-page select[name=locale]').inputValue()).toBe('en');
    await first.getByLabel('标题').fill('Dishwasher door does not close and leaks');
    await first.getByLabel('正文（Markdown）').fill('## Problem\n\nWater under the dishwasher.\n\n## Solution\n\nPress the door seal back into its groove.');
    await first.getByRole('button', { name: '发布', exact: true }).click();
    await first.getByTestId('kb-saved').filter({ hasText: '已发布（第 1 版）' }).waitFor();
    await first.locator('.kb-side').getByRole('link', { name: '简体中文: 第二位编辑的标题' }).click();
    await first.locator('.kb-side').getByRole('link', { name: '英文 (English): Dishwasher door does not close and leaks' }).waitFor();
    await first.context().close();
    await second.context().close();
  });
});
