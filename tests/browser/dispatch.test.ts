import path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/harness';
import { browserSuite } from '../helpers/browser-suite';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : null;
const DAY = '2031-03-03'; // a Monday; the field team works 09:00–12:00 and 13:30–18:00 in Shanghai

describe('dispatch board in headless Chromium', () => {
  const web = browserSuite();

  async function board(email: string, language?: 'en'): Promise<Page> {
    const context = await web.browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[${email}] page error`, err));
    await page.goto(`${web.app.url}/console#/dispatch/${DAY}`);
    await page.locator('input[name=email]').fill(email);
    await page.locator('input[name=password]').fill('demo-password');
    await page.locator('form.login button[type=submit]').click();
    await page.locator('[data-live=on]').waitFor({ timeout: 15000 });
    if (language) await page.locator('select[name=locale]').selectOption(language);
    await page.locator('[data-testid=board-ready]').waitFor({ timeout: 15000 });
    return page;
  }

  it('a dispatcher drags a work order to engineer2 and the other dispatcher\'s board moves; overlaps and after-hours windows are flagged', async () => {
    const sup = await web.app.as('supervisor@demo.local');
    const id = async (email: string) => String((await web.app.c.models.Agent.findOne({ email }))!._id);
    const [eng1, eng2] = [await id('engineer1@demo.local'), await id('engineer2@demo.local')];
    const ticket = (await web.app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
    const raise = async (body: object) => (await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'repair', description: '空调不制冷', address: '上海市浦东新区世纪大道 100 号', ...body })).body;
    const wo = await raise({ engineer: eng1, window: { start: `${DAY}T02:00:00Z`, end: `${DAY}T04:00:00Z` } }); // 10:00–12:00
    const other = await raise({ engineer: eng2, window: { start: `${DAY}T03:00:00Z`, end: `${DAY}T05:00:00Z` } }); // 11:00–13:00: lunch
    const pooled = await raise({ kind: 'maintenance', description: 'Yearly service' });

    const a = await board('supervisor@demo.local', 'en');
    const b = await board('manager@demo.local'); // in her language, Chinese
    const inLane = (p: Page, engineer: string, number: string) => p.locator(`[data-lane="${engineer}"] [data-wo="${number}"]`);
    await inLane(a, eng1, wo.number).waitFor();
    await inLane(b, eng1, wo.number).waitFor();
    await a.locator(`[data-pool] [data-wo="${pooled.number}"]`).waitFor();
    // 11:00–13:00 runs into the lunch break: outside the team's hours
    await a.locator('[data-testid=board-warnings]', { hasText: `${other.number} is outside the team's business hours` }).waitFor();

    // drag the block down into engineer2's lane, keeping its time
    const from = (await inLane(a, eng1, wo.number).boundingBox())!;
    const lane = (await a.locator(`[data-lane="${eng2}"] [data-track]`).boundingBox())!;
    await a.mouse.move(from.x + 10, from.y + from.height / 2);
    await a.mouse.down();
    for (let i = 1; i <= 8; i++) await a.mouse.move(from.x + 10, from.y + from.height / 2 + ((lane.y + lane.height / 2 - (from.y + from.height / 2)) * i) / 8);
    await a.mouse.up();

    await inLane(a, eng2, wo.number).waitFor({ timeout: 15000 });
    await inLane(b, eng2, wo.number).waitFor({ timeout: 15000 }); // the other dispatcher's board moved, live
    expect(await inLane(b, eng1, wo.number).count()).toBe(0);
    const stored = await eventually(async () => {
      const w = (await sup.get(`/api/work-orders/${wo.id}`)).body;
      return w.engineer?.id === eng2 && w;
    });
    expect(stored).toMatchObject({ status: 'dispatched', window: { start: `${DAY}T02:00:00.000Z`, end: `${DAY}T04:00:00.000Z` } });
    // now engineer2 has two visits at 11:00: both flagged on both boards
    await a.locator('[data-testid=board-warnings]', { hasText: `${wo.number} overlaps another visit of Mark Evans` }).waitFor();
    await b.locator('[data-testid=board-warnings]', { hasText: `${wo.number} 与 Mark Evans 的另一上门时间重叠` }).waitFor({ timeout: 15000 });

    // from the pool into engineer1's lane at about 15:00: dispatched with a window there
    const chip = (await a.locator(`[data-pool] [data-wo="${pooled.number}"]`).boundingBox())!;
    const lane1 = (await a.locator(`[data-lane="${eng1}"] [data-track]`).boundingBox())!;
    const x15 = lane1.x + (lane1.width * 9) / 16; // the axis runs 06:00–22:00
    await a.mouse.move(chip.x + 5, chip.y + chip.height / 2);
    await a.mouse.down();
    for (let i = 1; i <= 8; i++) await a.mouse.move(chip.x + 5 + ((x15 - chip.x) * i) / 8, chip.y + chip.height / 2 + ((lane1.y + lane1.height / 2 - chip.y - chip.height / 2) * i) / 8);
    await a.mouse.up();
    await inLane(b, eng1, pooled.number).waitFor({ timeout: 15000 });
    const planned = (await sup.get(`/api/work-orders/${pooled.id}`)).body;
    expect(planned).toMatchObject({ status: 'dispatched', engineer: { id: eng1 } });
    const start = Date.parse(planned.window.start);
    expect(Math.abs(start - Date.parse(`${DAY}T07:00:00Z`))).toBeLessThanOrEqual(30 * 60_000); // ~15:00 in Shanghai
    expect(Date.parse(planned.window.end) - start).toBe(2 * 3600_000);
    if (SHOTS) await a.screenshot({ path: path.join(SHOTS, 'dispatch.png') });
  });
});
