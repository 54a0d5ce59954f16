import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSink } from '../fixtures/mail/sink';
import { browserSuite } from '../helpers/browser-suite';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : null;

describe('units, warranty and returns in the console (headless Chromium)', () => {
  // every page signed in here must run under the CSP without a single violation
  const web = browserSuite({ mail: startSink, csp: true, signIn: { viewport: { width: 1400, height: 900 } } });
  const signIn = (email: string, hash = ''): Promise<Page> => web.signIn(email, { hash });

  it('an agent sees the unit\'s entitlement on a ticket and asks for an exchange; the returns team walks it to its outcome', async () => {
    const liu = (await web.app.c.customers.findByContact({ email: 'liu.fang@example.cn' }))!;
    const ticket = (await web.app.c.models.Ticket.findOne({ customerId: liu._id }))!;

    // agent2 (complaints, returns; English) opens Liu Fang's ticket: the dishwasher she bought yesterday
    const agent = await signIn('agent2@demo.local', `#/ticket/${ticket.number}`);
    const unitCard = agent.locator('[data-testid=ticket-unit] .unit-card');
    await unitCard.waitFor({ timeout: 15000 });
    await expect(unitCard.locator('[data-warranty]').textContent()).resolves.toBe('In warranty');
    expect(await unitCard.locator('[data-entitlement]').getAttribute('data-entitlement')).toBe('return,exchange,repair');
    expect(await unitCard.locator('.reason').textContent()).toBe('purchased 1 day ago: return, exchange or repair');
    // the customer panel lists her units too
    await agent.locator('[data-testid=customer-units] .unit-card', { hasText: 'DW6-2025-004417' }).waitFor();
    if (SHOTS) await agent.screenshot({ path: path.join(SHOTS, 'ticket-unit.png') });

    // the returns team's technician (Chinese) watches the work list
    const tech = await signIn('warranty@demo.local', '#/returns');
    await tech.locator('.returns-view h2', { hasText: '退换货' }).waitFor();

    await agent.locator('.ticket-returns button', { hasText: 'Return / exchange / repair' }).click();
    await agent.locator('select[name=return-kind]').selectOption('exchange');
    await agent.locator('select[name=return-reason-code]').selectOption('damaged_on_arrival');
    await agent.locator('textarea[name=return-reason]').fill('外壳右侧有明显划痕');
    await agent.locator('.ask-return button[type=submit]').click();
    const asked = agent.locator('.ticket-returns li[data-return]');
    await asked.waitFor();
    const returnId = (await asked.getAttribute('data-return'))!;

    // it appears on the technician's list live, and opens with its steps as buttons
    const row = tech.locator(`.returns-view li[data-return="${returnId}"]`);
    await row.waitFor({ timeout: 15000 });
    await row.locator('a').click();
    const status = tech.locator('[data-testid=return-status]');
    await expect(status.textContent()).resolves.toBe('待审批');
    const step = async (name: string, label: string, expected: string) => {
      const button = tech.locator(`button[data-step=${name}]`);
      expect(await button.textContent()).toBe(label);
      await button.click();
      await tech.locator('[data-testid=return-status]', { hasText: expected }).waitFor({ timeout: 15000 });
    };
    await step('approve', '批准', '已批准');
    await step('receive', '签收', '已签收');
    await tech.locator('input[name=return-photo]').setInputFiles({ name: 'scratch.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\n scratch on the right side') });
    await tech.locator('.return-photos a', { hasText: 'scratch.png' }).waitFor();
    await tech.locator('textarea[name=return-note]').fill('外壳划痕属运输损伤，功能正常');
    await step('inspect', '检测完成', '已检测');
    // an exchange request ends in an exchange or a repair, never a refund
    expect(await tech.locator('button[data-step]').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-step')))).toEqual(['replace', 'repair']);
    await tech.locator('input[name=return-new-serial]').fill('DW6-2025-009999');
    await step('replace', '换新', '已换货');
    await tech.locator('.outcome', { hasText: '已换新机 DW6-2025-009999' }).waitFor();
    expect(await tech.locator('.return-events li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-event')))).toEqual(['request', 'approve', 'receive', 'inspect', 'replace']);
    await tech.locator('.return-events li', { hasText: '周强' }).first().waitFor();
    if (SHOTS) await tech.screenshot({ path: path.join(SHOTS, 'returns.png') });

    // back on the ticket: the steps on the timeline in the agent's language, the new unit in the panel
    await agent.locator('.timeline .msg.event', { hasText: 'exchanged the unit for DW6-2025-009999' }).waitFor({ timeout: 15000 });
    await agent.locator('.timeline .msg.event', { hasText: 'Zhou Qiang (周强) approved' }).waitFor();
    await agent.locator('[data-testid=customer-units] .unit-card', { hasText: 'DW6-2025-009999' }).waitFor({ timeout: 15000 });
    // and Liu Fang was told in Chinese
    const mail = await web.sink.next((m) => m.rcpt.includes('liu.fang@example.cn') && /换货已办理/.test(m.parsed.subject ?? ''));
    expect(mail.parsed.text).toContain('DW6-2025-009999');
  });

  it('finds a unit by serial from the queue column, and a warranty technician overrides its warranty with a reason', async () => {
    // Emma's washer becomes a warranty claim: the warranty team now sees her and her units
    const mgr = await web.app.as('manager@demo.local');
    const washer = (await mgr.get('/api/units?serial=WM8-2021-77310')).body;
    expect((await mgr.post('/api/tickets').send({ channel: 'voice', subject: 'Warranty claim: drum bearing', body: 'Bearing noise again', customer: { name: 'Emma Clarke' }, type: 'warranty', team: 'warranty', unitId: washer.id })).status).toBe(201);
    const tech = await signIn('warranty@demo.local');
    await tech.locator('input[name=serial-search]').fill('wm8-2021-77310');
    await tech.locator('.unit-search button[type=submit]').click();
    const found = tech.locator('[data-testid=unit-found]');
    await found.waitFor();
    expect(await found.locator('[data-warranty]').textContent()).toBe('保修期外');
    await found.locator('text=机主：Emma Clarke').waitFor();
    await found.locator('button', { hasText: '三包判定' }).click();
    await found.locator('select[name=decision]').selectOption('in');
    await found.locator('textarea[name=decision-reason]').fill('批次缺陷，免费维修');
    await found.locator('.decide button[type=submit]').click();
    await found.locator('[data-warranty=in]').waitFor();
    expect(await found.locator('.reason').textContent()).toBe('Zhou Qiang (周强) 判定为保修期内：批次缺陷，免费维修');
    expect(await found.locator('[data-computed]').getAttribute('data-computed')).toBe('out');

    // an agent of Emma's complaint sees the decision beside the rule, and may not decide
    const agent = await signIn('agent2@demo.local');
    await agent.locator('input[name=serial-search]').fill('WM8-2021-77310');
    await agent.locator('.unit-search button[type=submit]').click();
    await agent.locator('[data-testid=unit-found] [data-warranty=in]').waitFor();
    await agent.locator('[data-testid=unit-found] [data-computed=out]').waitFor();
    expect(await agent.locator('[data-testid=unit-found] button', { hasText: 'Warranty decision' }).count()).toBe(0);
    // an agent of teams that never had her tickets is not told the unit exists
    const stranger = await signIn('agent1@demo.local');
    await stranger.locator('input[name=serial-search]').fill('WM8-2021-77310');
    await stranger.locator('.unit-search button[type=submit]').click();
    await stranger.locator('.unit-search', { hasText: 'No unit with this serial number.' }).waitFor();
  });
});
