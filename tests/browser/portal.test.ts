import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { signInConsole } from '../helpers/browser';
import { eventually } from '../helpers/harness';
import { startSmtpSink } from '../helpers/smtp-sink';
import { browserSuite } from '../helpers/browser-suite';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : null;
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SIGN_IN_LINK = /(\/portal\/auth\/[A-Za-z0-9_-]+\?lang=[\w-]+)/;
const STATUS_LINK = /(\/status\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

/** axe-core's WCAG 2 A/AA rules on the page as it is (labels, contrast, names, landmarks, language). */
async function axeViolations(page: Page): Promise<string[]> {
  // server-rendered: the page works without any script of its own
  expect(await page.locator('script').count()).toBe(0);
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the customer portal in headless Chromium', () => {
  const web = browserSuite({ mail: startSmtpSink });

  it('a customer signs in from the mail link, books a slot at 390 px in Chinese with the keyboard, and the dispatcher sees the work order arrive live', async () => {
    const a1 = await web.app.as('agent1@demo.local');
    const email = 'zhou.min@example.cn';
    expect((await a1.post('/api/tickets').send({ channel: 'email', subject: '空调保养咨询', body: '想预约保养', customer: { name: '周敏', email, locale: 'zh-CN' }, team: 'support' })).status).toBe(201);
    const customer = (await web.app.c.models.Customer.findOne({ emails: email }))!;
    const mgr = await web.app.as('manager@demo.local');
    const unit = await mgr.post(`/api/customers/${customer._id}/units`).send({ model: 'AC-3500', serial: 'AC35-BROWSER-01', purchaseDate: '2026-03-01' });
    expect(unit.status).toBe(201);

    // the slot the customer will take, and the dispatcher's board of its day
    const sup = await web.app.as('supervisor@demo.local');
    const now = Date.now();
    const slots = await sup.get(`/api/appointments/slots?from=${encodeURIComponent(new Date(now + 2 * 86400_000).toISOString())}&to=${encodeURIComponent(new Date(now + 9 * 86400_000).toISOString())}`);
    const slot = slots.body.slots[0];
    const day = new Date(Date.parse(slot.start) + 8 * 3600_000).toISOString().slice(0, 10);
    const board = await signInConsole(web.browser, web.app.url, 'supervisor@demo.local', { hash: `#/dispatch/${day}` });
    board.setDefaultTimeout(20000);
    await board.locator('[data-testid=board-ready]').waitFor({ timeout: 15000 });

    const context = await web.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const phone = await context.newPage();
    phone.setDefaultTimeout(20000);
    await phone.goto(`${web.app.url}/portal?lang=zh-CN`);
    expect(await axeViolations(phone)).toEqual([]);
    await phone.getByLabel('邮箱地址').fill(email);
    await phone.getByRole('button', { name: '发送登录链接' }).click();
    await phone.getByText('请查收邮件').waitFor();
    const mail = await eventually(async () => web.sink.sentTo(email).find((m) => SIGN_IN_LINK.test(m.text ?? '')), 30000);
    await phone.goto(`${web.app.url}${SIGN_IN_LINK.exec(mail.text!)![1]}`);
    await phone.getByRole('button', { name: '登录' }).click();
    await phone.getByRole('heading', { name: /我的服务中心/ }).waitFor();
    expect(await axeViolations(phone)).toEqual([]);

    await phone.getByRole('link', { name: '预约上门服务' }).first().click();
    await phone.getByRole('heading', { name: '预约上门服务' }).waitFor();
    expect(await axeViolations(phone)).toEqual([]);
    // nothing wider than the phone
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.getByLabel('服务类型').selectOption('maintenance');
    await phone.getByLabel('上门地址').fill('上海市浦东新区世纪大道 100 号');
    // by keyboard: focus the slot, choose it with the space bar, send the form with Enter on the button
    await phone.locator(`input[name=slotStart][value="${slot.start}"]`).focus();
    await phone.keyboard.press('Space');
    expect(await phone.locator(`input[name=slotStart][value="${slot.start}"]`).isChecked()).toBe(true);
    await phone.getByRole('button', { name: '预约此时间' }).focus();
    await phone.keyboard.press('Enter');
    await phone.getByText('预约成功').first().waitFor();
    if (SHOTS) await phone.screenshot({ path: path.join(SHOTS, 'portal-phone.png'), fullPage: true });

    const booked = await eventually(() => web.app.c.conn.collection('appointments').findOne({ customerId: customer._id, status: 'booked' }));
    // the dispatcher's board shows it in the pool, without a reload
    await board.locator(`[data-pool] [data-wo="${booked.workOrderNumber}"]`).waitFor({ timeout: 15000 });
    await phone.locator(`[data-testid=appointment][data-wo="${booked.workOrderNumber}"]`).waitFor();

    // the status page from the confirmation mail passes the same checks, in both languages
    const confirmation = await eventually(async () => web.sink.sentTo(email).find((m) => /预约成功/.test(m.subject ?? '') && STATUS_LINK.test(m.text ?? '')), 30000);
    await phone.goto(`${web.app.url}${STATUS_LINK.exec(confirmation.text!)![1]}`);
    await phone.getByText(booked.workOrderNumber).waitFor();
    await phone.getByText('已预约').first().waitFor();
    expect(await axeViolations(phone)).toEqual([]);
    await phone.getByRole('link', { name: 'English' }).click();
    await phone.getByText('Appointment booked').first().waitFor();
    expect(await axeViolations(phone)).toEqual([]);
  }, 120000);
});
