import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { Page } from 'playwright-core';
import { eventually } from '../helpers/harness';
import { Analyzer } from '../../src/modules/search/analyzer';
import { browserSuite } from '../helpers/browser-suite';

/** The rules editor, the ticket's custom fields and macros in the composer, in headless Chromium. */
describe('automation in the console', () => {
  // webhooks to the test's own receiver on 127.0.0.1, retried quickly; every page without a CSP violation
  const web = browserSuite({ app: { env: { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE: 'PT0.3S' } }, csp: true, signIn: { viewport: { width: 1400, height: 900 } } });
  const signIn = (email: string, hash: string): Promise<Page> => web.signIn(email, { hash });

  it('a manager builds a rule from lists, tries it on recent tickets and saves it; it routes the next ticket', async () => {
    const page = await signIn('admin@demo.local', '#/automation/rules');
    await page.locator('button', { hasText: 'New rule' }).click();
    const editor = page.locator('form.rule-editor');
    await editor.locator('input[name=name]').fill('Refunds to returns');
    await editor.locator('select[name=on]').selectOption('ticket.created');
    await editor.locator('fieldset[data-group=all] button.add-condition').click();
    const cond = editor.locator('fieldset[data-group=all] .condition').first();
    await cond.locator('select[name=field]').selectOption('ticket.subject');
    await cond.locator('select[name=op]').selectOption('contains');
    await cond.locator('input[name=value]').fill('退款');
    await editor.locator('button.add-action').click();
    const action = editor.locator('.action').first();
    await action.locator('select[name=action]').selectOption('set_team');
    await action.locator('select[name=action-value]').selectOption('returns');

    // an invalid value comes back from the server and stands next to its row
    await cond.locator('select[name=op]').selectOption('equals');
    await cond.locator('input[name=value]').fill('');
    await editor.locator('button', { hasText: 'Try on recent tickets' }).click();
    await cond.locator('.field-issue').waitFor();
    await cond.locator('select[name=op]').selectOption('contains');
    await cond.locator('input[name=value]').fill('退款');

    await editor.locator('button', { hasText: 'Try on recent tickets' }).click();
    const dry = editor.locator('[data-testid=dry-run]');
    await dry.waitFor();
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: path.resolve(__dirname, '../../docs/screenshots/automation.png') });
    // the demo's tickets that speak of a refund by the search analysis (退货 is 退款's synonym, refund across languages)
    const demo = await web.app.c.models.Ticket.find({}, { subject: 1 }).lean();
    const analyzer = new Analyzer();
    const matching = demo.filter((x) => analyzer.contains(x.subject, '退款')).length;
    expect(matching).toBeGreaterThan(0);
    expect(await dry.textContent()).toBe(`This rule would have matched ${matching} of the last ${demo.length} tickets.`);
    await editor.locator('button[type=submit]').click();
    await page.locator('table.rules tr', { hasText: 'Refunds to returns' }).waitFor();

    const rules = (await (await web.app.as('manager@demo.local')).get('/api/automations')).body.rules;
    expect(rules).toEqual([expect.objectContaining({ name: 'Refunds to returns', on: 'ticket.created', active: true, conditions: { all: [{ field: 'ticket.subject', op: 'contains', value: '退款' }], any: [] }, actions: [{ type: 'set_team', value: 'returns' }] })]);
    const t = (await (await web.app.as('agent1@demo.local')).post('/api/tickets').send({ channel: 'web', subject: '申请退款', body: '收到的货坏了', customer: { name: '赵敏', email: 'zhao.min@example.cn' }, team: 'support' })).body;
    expect(t.team).toBe('returns');
    await page.context().close();
  });

  it('an agent fills a custom field in the ticket view and applies a macro from the composer', async () => {
    const manager = await web.app.as('manager@demo.local');
    await manager.post('/api/fields').send({ key: 'serial_checked', label: { en: 'Serial checked', 'zh-CN': '已核对序列号' }, type: 'select', options: ['yes', 'no'], required: true }).expect(201);
    const agent1 = await web.app.as('agent1@demo.local');
    const macro = (await agent1.post('/api/macros').send({ name: 'Waiting for customer', actions: [{ type: 'set_status', value: 'pending' }, { type: 'add_tags', tags: ['waiting'] }] })).body;
    const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject: 'Oven door', body: 'The door does not close.', customer: { name: 'Ida', email: 'ida@example.com' }, team: 'support' })).body;

    const page = await signIn('agent1@demo.local', `#/ticket/${t.number}`);
    const field = page.locator('select[name=field-serial_checked]');
    await field.waitFor();
    await field.selectOption('yes');
    await page.waitForFunction(async (n) => (await (await fetch(`/api/tickets/${n}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('aftercare.token')}` } })).json()).fields?.serial_checked === 'yes', t.number);

    await page.locator('select[name=macro]').selectOption(macro.id);
    await page.waitForFunction(() => (document.querySelector('select[name=status]') as HTMLSelectElement | null)?.value === 'pending');
    await page.locator('.timeline li', { hasText: 'applied the macro “Waiting for customer”' }).waitFor();
    expect((await agent1.get(`/api/tickets/${t.number}`)).body).toMatchObject({ status: 'pending', tags: ['waiting'], fields: { serial_checked: 'yes' } });
    await page.context().close();
  });

  it('an agent sets a custom field of the ticket\'s unit from its card', async () => {
    const manager = await web.app.as('manager@demo.local');
    await manager.post('/api/fields').send({ key: 'install_place', label: { en: 'Installed in', 'zh-CN': '安装位置' }, type: 'select', options: ['kitchen', 'basement'], appliesTo: 'unit' }).expect(201);
    const agent2 = await web.app.as('agent2@demo.local');
    const c = (await web.app.c.customers.findByContact({ email: 'liu.fang@example.cn' }))!;
    const unit = (await agent2.get(`/api/customers/${c._id}/units`)).body.units[0] as { id: string };
    const t = (await agent2.post('/api/tickets').send({ channel: 'voice', subject: 'Dishwasher noise', body: 'It rattles.', customer: { name: '刘芳', email: 'liu.fang@example.cn' }, team: 'returns', unitId: unit.id })).body;

    const page = await signIn('agent2@demo.local', `#/ticket/${t.number}`);
    const field = page.locator(`.unit-card[data-unit="${unit.id}"] select[name=field-install_place]`);
    await field.waitFor();
    await field.selectOption('basement');
    await page.waitForFunction(async (id) => (await (await fetch(`/api/units/${id}`, { headers: { Authorization: `Bearer ${sessionStorage.getItem('aftercare.token')}` } })).json()).fields?.install_place === 'basement', unit.id);
    expect((await agent2.get(`/api/units/${unit.id}/history`)).body.entries.some((e: { action: string }) => e.action === 'fields_changed')).toBe(true);
    await page.context().close();
  });

  it('a manager groups the reports by a custom field, its options named in the reader\'s language', async () => {
    const manager = await web.app.as('manager@demo.local');
    await manager.post('/api/fields').send({ key: 'visit_kind', label: { en: 'Visit kind', 'zh-CN': '服务方式' }, type: 'select', options: [{ value: 'onsite', label: { en: 'On site', 'zh-CN': '上门' } }, { value: 'depot', label: { en: 'Depot', 'zh-CN': '送修' } }] }).expect(201);
    const agent1 = await web.app.as('agent1@demo.local');
    for (const v of ['onsite', 'onsite', 'depot']) {
      await agent1.post('/api/tickets').send({ channel: 'web', subject: `Repair ${v}`, body: 'x', customer: { name: 'Jo', email: `jo.${Math.random().toString(36).slice(2)}@example.com` }, team: 'support', fields: { visit_kind: v } }).expect(201);
    }
    const page = await signIn('manager@demo.local', '#/reports');
    await page.locator('header select[name=locale]').selectOption('zh-CN');
    const view = page.locator('div.reports[data-groupby]');
    await view.locator('select[name=groupBy] option[value="field:visit_kind"]').waitFor({ state: 'attached' });
    await view.locator('select[name=groupBy]').selectOption('field:visit_kind');
    const chart = page.locator('svg[data-chart=sla-by-group][data-groupby="field:visit_kind"]');
    await chart.waitFor({ timeout: 15000 });
    const keys = await chart.locator('rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(keys).toEqual(expect.arrayContaining(['onsite', 'depot']));
    await chart.locator('text', { hasText: '上门' }).waitFor();
    await chart.locator('text', { hasText: '送修' }).waitFor();
    await page.context().close();
  });

  it('an admin subscribes a webhook, keeps the secret shown once, reads the attempts and sends a delivery again', async () => {
    const got: { headers: Record<string, string>; body: string }[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(got.length === 1 ? 500 : 200).end(); // the first attempt refused
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
    try {
      const page = await signIn('admin@demo.local', '#/automation/webhooks');
      await page.locator('button', { hasText: 'New webhook' }).click();
      await page.locator('input[name=url]').fill(url);
      await page.locator('input[name=description]').fill('ERP');
      await page.locator('.webhooks-tab form button[type=submit]').click();
      const secret = (await page.locator('[data-testid=webhook-secret] code.secret').textContent())!;
      expect(secret).toMatch(/^whsec_/);
      await page.locator('[data-testid=webhook-secret] button').click();
      await page.locator('.webhook', { hasText: 'ERP' }).waitFor();
      expect(await page.locator('.webhooks-tab').textContent()).not.toContain(secret); // shown once

      const agent1 = await web.app.as('agent1@demo.local');
      const t = (await agent1.post('/api/tickets').send({ channel: 'web', subject: 'Webhook from the console', body: 'x', customer: { name: 'Kim', email: 'kim@example.com' }, team: 'support' })).body;
      const delivered = (n: number) => eventually(async () => got.length >= n || null, 20_000);
      await delivered(2);
      // the secret the console showed verifies what was sent, and both attempts carry one webhook-id
      const payload = new Webhook(secret).verify(got[1].body, got[1].headers) as { data: { ticket: { number: number } } };
      expect(payload.data.ticket.number).toBe(t.number);
      expect(got[1].headers['webhook-id']).toBe(got[0].headers['webhook-id']);

      const card = page.locator('.webhook', { hasText: 'ERP' });
      await card.locator('button', { hasText: 'Deliveries' }).click();
      const row = card.locator('tr[data-delivery]').first();
      await row.waitFor();
      expect(await row.locator('.d-delivered').textContent()).toBe('delivered');
      const attempts = await row.locator('ol.attempts li').allTextContents();
      expect(attempts).toHaveLength(2);
      expect(attempts[0]).toMatch(/: 500 in \d+ ms$/);
      expect(attempts[1]).toMatch(/: 200 in \d+ ms$/);
      await row.locator('button', { hasText: 'Send again' }).click();
      await delivered(3);
      expect(got[2].headers['webhook-id']).toBe(got[0].headers['webhook-id']);
      await page.context().close();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
