import path from 'node:path';
import { eventually } from '../helpers/harness';
import { browserSuite } from '../helpers/browser-suite';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : null;

describe('the engineer\'s phone (390 px) in headless Chromium', () => {
  const web = browserSuite();

  it('walks accept → depart (offline, replayed) → arrive → report with a drawn signature', async () => {
    const sup = await web.app.as('supervisor@demo.local');
    const eng1 = String((await web.app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    const ticket = (await web.app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
    const start = new Date(Date.now() + 3600_000);
    const wo = (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: '空调不制冷，面板显示 E4', address: '上海市浦东新区世纪大道 100 号 12 楼', engineer: eng1, window: { start: start.toISOString(), end: new Date(start.getTime() + 7200_000).toISOString() } })).body;
    const server = async () => (await sup.get(`/api/work-orders/${wo.id}`)).body;

    const context = await web.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error('[engineer1] page error', err));
    await page.goto(`${web.app.url}/console`);
    await page.locator('input[name=email]').fill('engineer1@demo.local');
    await page.locator('input[name=password]').fill('demo-password');
    await page.locator('form.login button[type=submit]').click();
    const visit = page.locator(`li.visit[data-wo="${wo.number}"]`);
    await visit.waitFor({ timeout: 15000 });

    // the phone: tap-to-call, a map link, big buttons, nothing wider than the screen
    expect(await visit.locator('a.call').getAttribute('href')).toBe('tel:+8613800138000');
    expect(await visit.locator('a.address').getAttribute('href')).toContain(encodeURIComponent('上海市浦东新区世纪大道 100 号 12 楼'));
    const accept = visit.locator('button[data-step=accept]');
    const box = (await accept.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await accept.tap();
    await visit.locator('[data-status=accepted]').waitFor();
    await page.locator('[data-testid=unsent][data-count="0"]').waitFor();
    expect((await eventually(async () => (await server()).status === 'accepted' && 'ok'))).toBe('ok');

    // no network on the stairs: the step is kept and shown as unsent
    await context.setOffline(true);
    await visit.locator('button[data-step=depart]').tap();
    await visit.locator('[data-status=en_route]').waitFor();
    await page.locator('[data-testid=unsent][data-count="1"]').waitFor();
    await visit.locator('[data-testid=unsent-note]').waitFor();
    expect((await server()).status).toBe('accepted');
    await context.setOffline(false); // back online: replayed with its clientId
    await page.locator('[data-testid=unsent][data-count="0"]').waitFor({ timeout: 20000 });
    const departed = await eventually(async () => {
      const w = await server();
      return w.status === 'en_route' && w;
    });
    expect(departed.events.filter((e: { type: string }) => e.type === 'depart')).toHaveLength(1);

    await visit.locator('button[data-step=arrive]').tap();
    await visit.locator('[data-status=on_site]').waitFor();
    await eventually(async () => (await server()).status === 'on_site');

    await visit.locator('button[data-action=report]').tap();
    const form = page.locator('[data-testid=report-form]');
    await form.locator('textarea[name=diagnosis]').fill('压缩机启动电容损坏');
    await form.locator('textarea[name=work]').fill('更换启动电容，试机正常');
    await form.locator('input[name=labourMinutes]').fill('40');
    await form.locator('fieldset button', { hasText: '添加配件' }).tap(); // engineer1 works in Chinese
    // the parts picker offers the catalogue's parts with what the van and central hold now (the demo van: 3 capacitors)
    const picker = form.locator('.part-row select[name=sku]');
    await picker.locator('option[value=AC-CAP-35]').waitFor({ state: 'attached' });
    await eventually(async () => (await picker.locator('option[value=AC-CAP-35]').textContent())?.includes('工具车 3'));
    await picker.selectOption('AC-CAP-35');
    await form.locator('.part-row input[name=defectiveSerial]').fill('OLD-1');
    await form.locator('.part-row input[name=newSerial]').fill('NEW-2');
    // the customer signs with a finger
    const pad = form.locator('canvas[data-testid=signature]');
    await pad.scrollIntoViewIfNeeded();
    const c = (await pad.boundingBox())!;
    await page.mouse.move(c.x + 20, c.y + c.height * 0.7);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(c.x + 20 + i * 12, c.y + c.height * (0.7 - 0.4 * Math.sin(i / 3)));
    await page.mouse.up();
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'engineer-phone.png'), fullPage: true });
    await form.locator('button[data-action=file-report]').tap();

    await visit.locator('[data-status=completed]').waitFor({ timeout: 15000 });
    const done = await eventually(async () => {
      const w = await server();
      return w.status === 'completed' && w.report?.version === 1 && w;
    });
    expect(done.events.map((e: { type: string }) => e.type)).toEqual(['created', 'dispatched', 'accept', 'depart', 'arrive', 'report']);
    const report = (await sup.get(`/api/work-orders/${wo.id}/report`)).body;
    expect(report).toMatchObject({ diagnosis: '压缩机启动电容损坏', labourMinutes: 40, parts: [{ sku: 'AC-CAP-35', qty: 1, defectiveSerial: 'OLD-1', newSerial: 'NEW-2' }], signature: { name: '张伟' } });
    const png = Buffer.from(report.signature.png.split(',')[1], 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(1000); // ink, not an empty canvas
  });
});
