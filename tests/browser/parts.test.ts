import type { Page } from 'playwright-core';
import type { AppModule } from '../../src/modules/app-module';
import type { QuoteService } from '../../src/modules/quotes/quote.service';
import { signInConsole } from '../helpers/browser';
import { browserSuite } from '../helpers/browser-suite';

type Row = { onHand: number; reserved: number; available: number };

describe('parts in the console and the customer quote page (headless Chromium)', () => {
  const web = browserSuite();
  let engineer1: string;
  beforeAll(async () => {
    engineer1 = String((await web.app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
  }, 60000);

  const violations: string[][] = [];
  afterEach(() => {
    expect(violations.flat()).toEqual([]);
    violations.length = 0;
  });

  const stock = async (sku: string, location: string): Promise<Row> => (await web.app.c.conn.collection('stockrows').findOne({ _id: `${sku}|${location}|new` as never })) as unknown as Row;
  const cell = (page: Page, location: string, col: string) => page.locator(`.stock-table tr[data-location="${location}"][data-condition=new] [data-col=${col}]`);

  it('a storekeeper finds a part by its Chinese name, receives it at central and transfers some to an engineer\'s van', async () => {
    const van = `engineer:${engineer1}`;
    const before = { central: await stock('AC-CAP-35', 'central'), van: await stock('AC-CAP-35', van) };
    const page = await signInConsole(web.browser, web.app.url, 'supervisor@demo.local', { hash: '#/parts', locale: 'zh-CN', violations });
    await page.locator('.parts-view h2', { hasText: '备件管理' }).waitFor();
    await page.locator('input[name=parts-q]').fill('启动电容');
    await page.locator('.parts-table tr[data-sku=DW-ARM-06]').waitFor({ state: 'detached' }); // the search has narrowed the list
    const row = page.locator('.parts-table tr[data-sku=AC-CAP-35]');
    await row.waitFor();
    expect(await page.locator('.parts-table tbody tr[data-sku]').count()).toBe(1);
    expect(await row.textContent()).toContain('¥85.00');
    await row.locator('[data-action=open-part]').click();
    await cell(page, 'central', 'onHand').waitFor();
    expect(Number(await cell(page, 'central', 'onHand').textContent())).toBe(before.central.onHand);
    expect(await page.locator(`.stock-table tr[data-location="${van}"] td`).first().textContent()).toBe('Zhou Qiang (周强) 的工具车');

    // receive 5 at central
    const receive = page.locator('form[data-form=receive]');
    await receive.locator('input[name=qty]').fill('5');
    await receive.locator('input[name=note]').fill('采购单 PO-2031-77');
    await receive.locator('button[data-action=receive]').click();
    await receive.locator('[role=status]', { hasText: '已入库 5 件' }).waitFor();
    await page.waitForFunction(([sel, n]) => document.querySelector(sel as string)?.textContent === String(n), [`.stock-table tr[data-location="central"][data-condition=new] [data-col=onHand]`, before.central.onHand + 5] as const);
    expect((await stock('AC-CAP-35', 'central')).onHand).toBe(before.central.onHand + 5);

    // transfer 2 from central to the van
    const transfer = page.locator('form[data-form=transfer]');
    await transfer.locator('input[name=qty]').fill('2');
    await transfer.locator('select[name=from]').selectOption('central');
    await transfer.locator('select[name=to]').selectOption(van);
    await transfer.locator('button[data-action=transfer]').click();
    await transfer.locator('[role=status]', { hasText: '已调拨 2 件' }).waitFor();
    await page.waitForFunction(([sel, n]) => document.querySelector(sel as string)?.textContent === String(n), [`.stock-table tr[data-location="${van}"][data-condition=new] [data-col=available]`, before.van.available + 2] as const);
    expect(await stock('AC-CAP-35', van)).toMatchObject({ onHand: before.van.onHand + 2, available: before.van.available + 2 });
    expect((await stock('AC-CAP-35', 'central')).onHand).toBe(before.central.onHand + 3);
    // the ledger of the part shows both, with who did them
    const mine = page.locator('.ledger-table tbody tr[data-ref^="console-transfer-"]');
    await mine.waitFor();
    expect(await mine.textContent()).toContain('调拨');
    expect(await mine.textContent()).toContain('Li Na (李娜)');
    expect(await page.locator('.ledger-table tbody tr[data-ref^="console-receive-"]').textContent()).toContain('入库');

    // too much to transfer: the form says so in Chinese, nothing moves
    await transfer.locator('input[name=qty]').fill('9999');
    await transfer.locator('button[data-action=transfer]').click();
    await transfer.locator('[role=alert]', { hasText: '库存不足' }).waitFor();
    expect((await stock('AC-CAP-35', van)).onHand).toBe(before.van.onHand + 2);

    // the stocktake finds one missing at central: corrected with why, in the ledger
    const adjust = page.locator('form[data-form=adjust]');
    await adjust.locator('select[name=direction]').selectOption('remove');
    await adjust.locator('input[name=qty]').fill('1');
    await adjust.locator('select[name=from]').selectOption('central');
    await adjust.locator('input[name=note]').fill('盘点少一件');
    await adjust.locator('button[data-action=adjust]').click();
    await adjust.locator('[role=status]', { hasText: '已调整 1 件' }).waitFor();
    expect((await stock('AC-CAP-35', 'central')).onHand).toBe(before.central.onHand + 2);
    // one on the van is damaged: written off
    const scrap = page.locator('form[data-form=scrap]');
    await scrap.locator('input[name=qty]').fill('1');
    await scrap.locator('select[name=from]').selectOption(van);
    await scrap.locator('select[name=condition]').selectOption('new');
    await scrap.locator('input[name=note]').fill('运输中摔坏');
    await scrap.locator('button[data-action=scrap]').click();
    await scrap.locator('[role=status]', { hasText: '已报废 1 件' }).waitFor();
    expect((await stock('AC-CAP-35', van)).onHand).toBe(before.van.onHand + 1);
    await page.locator('.ledger-table tbody tr[data-ref^="console-scrap-"]').waitFor();
    expect(await page.locator('.ledger-table tbody tr[data-ref^="console-adjust-"]').textContent()).toContain('Li Na (李娜)');
  });

  it('quotes an out-of-warranty repair from the ticket, follows the customer\'s answer live and records the payment', async () => {
    const manager = await web.app.as('manager@demo.local');
    const ticket = (await web.app.c.models.Ticket.findOne({ subject: /Washer leaking/ }))!; // Emma's WM-800, out of warranty
    const wo = (await manager.post(`/api/tickets/${ticket.number}/work-orders`).send({ kind: 'repair', description: 'Pump noise', address: '1 Oxford Street, London' })).body;
    const page = await signInConsole(web.browser, web.app.url, 'manager@demo.local', { hash: `#/ticket/${ticket.number}`, locale: 'zh-CN', violations });
    const panel = page.locator('[data-testid=quote-panel]');
    await panel.locator('h4', { hasText: '报价' }).waitFor();
    await panel.locator('[data-action=new-quote]').click();
    const first = panel.locator('.quote-line[data-line="0"]');
    await first.locator('select[name=kind]').selectOption('part');
    await first.locator('select[name=sku]').selectOption('WM-PMP-08');
    await panel.locator('[data-action=add-line]').click();
    const second = panel.locator('.quote-line[data-line="1"]');
    await second.locator('input[name=description]').fill('更换排水泵（1 小时）');
    await second.locator('input[name=price]').fill('150');
    await panel.locator('select[name=workOrderId]').selectOption(wo.id);
    await panel.locator('[data-action=send-quote]').click();
    const row = panel.locator('li[data-quote]');
    await row.locator('.badge', { hasText: '已发送，待客户确认' }).waitFor();
    expect(await row.textContent()).toContain('¥318.00'); // 168 for the pump at its catalogue price + 150
    const number = await row.getAttribute('data-quote');
    const stored = (await web.app.c.conn.model('Quote').findOne({ number }))!;
    expect(String(stored.get('workOrderId'))).toBe(wo.id);

    // the customer accepts from the mailed link: the panel follows, and offers the payment
    const quotes = (web.app.c.modules.find((m) => m.name === 'quotes') as AppModule & { quotes: QuoteService }).quotes;
    const link = new URL(quotes.link(stored as never));
    expect((await web.app.http().post(link.pathname).type('form').send('decision=accept')).status).toBe(200);
    await row.locator('.badge', { hasText: '客户已接受，待付款' }).waitFor();
    await row.locator('input[name=reference]').fill('POS-8812');
    await row.locator('[data-action=record-payment]').click();
    await row.locator('.badge', { hasText: '已付款' }).waitFor();
    expect(await row.textContent()).toContain('POS-8812');
    // and the visit may now be dispatched
    expect((await manager.get(`/api/work-orders/${wo.id}`)).body.payment).toMatchObject({ status: 'paid', quoteId: String(stored._id) });
    await page.locator('[data-testid=wo-panel] [data-payment=paid]').waitFor();
  });

  it("shows the customer's quote page in Chinese without JavaScript and takes the answer from its form", async () => {
    const manager = await web.app.as('manager@demo.local');
    const ticket = (await web.app.c.models.Ticket.findOne({ subject: /E4/ }))!.number;
    const quote = (await manager.post(`/api/tickets/${ticket}/quotes`).send({ lines: [{ kind: 'part', sku: 'AC-CAP-35', qty: 1 }, { kind: 'labour', description: '更换启动电容', qty: 1, unitPrice: 12000 }, { kind: 'travel', description: '上门费', qty: 1, unitPrice: 5000 }] })).body;
    const quotes = (web.app.c.modules.find((m) => m.name === 'quotes') as AppModule & { quotes: QuoteService }).quotes;
    const link = quotes.link((await web.app.c.conn.model('Quote').findById(quote.id))!);
    const context = await web.browser.newContext({ javaScriptEnabled: false, locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(link.replace(/^https?:\/\/[^/]+/, web.app.url));
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN'); // the customer's language, whatever the browser's
    await page.locator('h1', { hasText: '维修报价单' }).waitFor();
    const body = await page.locator('table').textContent();
    expect(body).toContain('压缩机启动电容 35µF');
    expect(body).toContain('工时费');
    expect(await page.locator('td.total').textContent()).toBe('¥255.00');
    expect(await page.locator('.status').textContent()).toBe('等待您确认');
    await page.locator('button.accept', { hasText: '接受报价' }).click();
    await page.locator('h1', { hasText: '谢谢：已接受报价' }).waitFor();
    expect((await manager.get(`/api/quotes/${quote.id}`)).body.status).toBe('accepted');
    // the switch shows it in English; the answer stands
    await page.goto(`${link.replace(/^https?:\/\/[^/]+/, web.app.url)}?lang=en`);
    await page.locator('h1', { hasText: 'Your repair quote' }).waitFor();
    expect(await page.locator('.note').textContent()).toContain('You accepted this quote');
    expect(await page.locator('form').count()).toBe(0);
    await context.close();
  });
});
