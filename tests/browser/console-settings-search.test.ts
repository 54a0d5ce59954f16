import { SYSTEM } from '../../src/core/types';
import type { MovableClock } from '../../src/infra/clock';
import { signIn } from '../helpers/console-page';
import { browserSuite } from '../helpers/browser-suite';

/** A manager sets the department up in the UI; an agent finds old tickets by words and by a saved view. */
describe('console: settings, search and views in headless Chromium', () => {
  const web = browserSuite();

  it('a manager creates a calendar and a policy in the UI, and a new ticket gets its due time', async () => {
    const page = await signIn(web.browser, web.app.url, 'manager@demo.local', { hash: '#/settings/calendars', locale: 'en-US' });
    // the manager works in Chinese (their account); switch the console to English for this test's labels
    await page.locator('select[name=locale]').selectOption('en');
    await page.getByRole('button', { name: 'New calendar' }).click();
    await page.locator('input[name=name]').fill('night-desk');
    await page.locator('input[name=timeZone]').fill('UTC');
    // Monday to Friday 09:00–12:00 and 13:00–17:00 is the default split shift minus what we change: set Monday's first interval
    for (const day of [1, 2, 3, 4, 5]) {
      const row = page.locator(`[data-weekday="${day}"]`);
      await row.locator('input[type=time]').nth(0).fill('09:00');
      await row.locator('input[type=time]').nth(1).fill('12:00');
      await row.locator('input[type=time]').nth(2).fill('13:00');
      await row.locator('input[type=time]').nth(3).fill('17:00');
    }
    await page.locator('[data-add=holiday]').click();
    await page.locator('input[name="holidays.0.date"]').fill('2030-01-01');
    await page.locator('input[name="holidays.0.name"]').fill('New Year');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('.notice', { hasText: 'Saved' }).waitFor();
    // the month view shows what the server computes
    await page.locator('[data-testid=calendar-month] .day').first().waitFor();
    expect(await web.app.c.models.Ticket.db.model('Calendar').exists({ name: 'night-desk' })).toBeTruthy();

    // a bad value is refused with the server's own words next to its field
    await page.goto(`${web.app.url}/console#/settings/sla`);
    await page.getByRole('button', { name: 'New policy' }).click();
    await page.locator('input[name=name]').fill('Returns in business hours');
    await page.locator('select[name="match.type"]').selectOption('return');
    await page.locator('input[name="targets.firstResponse"]').fill('2');
    await page.locator('select[name="targets.firstResponse.unit"]').selectOption('H');
    await page.locator('select[name=calendar]').selectOption('night-desk');
    await page.locator('input[name="targets.resolution"]').fill('0');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('[data-field="targets.resolution"] .field-error').waitFor();
    await page.locator('input[name="targets.resolution"]').fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const row = page.locator('.policy', { hasText: 'Returns in business hours' });
    await row.waitFor();
    // last in the order the catch-all wins; moved to the top it is the one a return ticket gets
    await page.locator('select[name="sample.type"]').selectOption('return');
    await page.locator('[data-preview-policy]').waitFor();
    const place = () => page.locator('.policy').evaluateAll((els) => els.map((e) => e.getAttribute('data-policy')).indexOf('Returns in business hours'));
    for (let at = await place(); at > 0; at = await place()) {
      await row.getByRole('button', { name: 'Move Returns in business hours up' }).click();
      await page.waitForFunction((before) => [...document.querySelectorAll('.policy')].map((e) => e.getAttribute('data-policy')).indexOf('Returns in business hours') < before, at);
    }
    await page.locator('[data-preview-policy="Returns in business hours"]').waitFor({ timeout: 15000 });

    // a return ticket created on Tuesday 2030-01-08 at 11:00 UTC is due at 14:00 (one hour before lunch, one after)
    (web.app.clock as MovableClock).set('2030-01-08T11:00:00Z');
    const { ticket } = await web.app.c.tickets.create({ channel: 'email', subject: 'Return the kettle', type: 'return', team: 'returns', customer: { name: 'Kim', email: 'kim@example.com' }, message: { channel: 'email', body: 'It leaks.', author: { type: 'customer', name: 'Kim' } } }, SYSTEM);
    const fresh = await web.app.c.tickets.byNumber(ticket.number);
    expect(fresh.sla?.policy).toBe('Returns in business hours');
    // (the test clock keeps ticking from 11:00 while the ticket is made: a few milliseconds)
    expect(Math.abs(fresh.sla!.firstResponse!.dueAt!.getTime() - Date.parse('2030-01-08T14:00:00Z'))).toBeLessThan(5000);
    await page.goto(`${web.app.url}/console#/ticket/${ticket.number}`);
    await page.locator('.sla-policy', { hasText: 'Returns in business hours' }).waitFor();
    await page.locator('.ticket-head .due').waitFor();
    const audit = (await (await web.app.as('admin@demo.local')).get('/api/settings/audit?limit=20')).body.entries as { entity: string; action: string }[];
    expect(audit.map((e) => `${e.entity}:${e.action}`)).toEqual(expect.arrayContaining(['calendar:created', 'sla_policy:created', 'sla_policy:reordered']));
    await page.context().close();
  });

  it('an agent finds a solved ticket by words and by a saved view, with the keyboard', async () => {
    const { ticket } = await web.app.c.tickets.create({ channel: 'email', subject: 'Dishwasher door hinge squeaks', team: 'support', type: 'fault', customer: { name: 'Ola', email: 'ola@example.com' }, message: { channel: 'email', body: 'The hinge of the DW-60 squeaks when opening.', author: { type: 'customer', name: 'Ola' } } }, SYSTEM);
    const admin = await web.app.as('admin@demo.local');
    await admin.post(`/api/tickets/${ticket.number}/messages`).send({ body: 'A drop of oil on the hinge pin fixes it.' });
    await admin.patch(`/api/tickets/${ticket.number}`).send({ status: 'solved' });

    const page = await signIn(web.browser, web.app.url, 'agent1@demo.local', { hash: '#/tickets' });
    // the live queue does not hold it any more; the search does
    await page.locator('input[name=q]').fill('hinge squeaks');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.locator('.filters summary').click();
    await page.locator('input[name=status][value=solved]').check();
    const hit = page.locator(`.results li.qi[data-number="${ticket.number}"]`);
    await hit.waitFor({ timeout: 15000 });

    // saved as a personal view, it comes back with its count
    await page.locator('input[name=q]').fill('');
    await page.locator('form[role=search] button[type=submit]').click();
    await page.waitForFunction(() => !location.hash.includes('q='));
    await page.locator('input[name=status][value=new]').uncheck();
    await page.locator('input[name=status][value=open]').uncheck();
    await page.locator('input[name=status][value=pending]').uncheck();
    await page.locator('input[name=status][value=on_hold]').uncheck();
    await page.locator('select[name=type]').selectOption('fault');
    await page.locator('.save-view-button').click();
    await page.locator('input[name=viewName]').fill('Solved faults');
    await page.locator('form.save-view button[type=submit]').click();
    const view = page.locator('.view-list li[data-view="Solved faults"]');
    await view.waitFor();
    expect(Number(await view.locator('.count').getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    await page.goto(`${web.app.url}/console#/tickets`);
    await view.locator('a').click();
    await hit.waitFor();

    // the keyboard: j opens the next ticket of the list and moves the focus to its title; ? shows the help
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('j');
    await page.locator('#ticket-title').waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'ticket-title');
    expect(await page.locator('#ticket-title').textContent()).toContain(`#${ticket.number}`);
    await page.keyboard.press('n');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'body');
    expect(await page.locator('.composer').getAttribute('class')).toContain('note');
    await page.keyboard.press('Escape');
    await page.locator('#ticket-title').focus();
    await page.keyboard.press('?');
    await page.locator('[data-testid=shortcut-help]', { hasText: 'Assign the open ticket to me' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-testid=shortcut-help]').waitFor({ state: 'detached' });
    // the skip link is the first thing a keyboard reaches, and leads to the main content
    await page.goto(`${web.app.url}/console#/`);
    await page.reload();
    await page.locator('.queue').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.context().close();
  });

  it('a supervisor lists tickets by a custom field, in Chinese, and keeps the list as a view', async () => {
    const manager = await web.app.as('manager@demo.local');
    expect((await manager.post('/api/fields').send({ key: 'error_code', label: { en: 'Error code', 'zh-CN': '故障码' }, type: 'select', options: [{ value: 'e4', label: { en: 'E4 drain', 'zh-CN': 'E4 排水故障' } }, { value: 'e7', label: { en: 'E7 heater', 'zh-CN': 'E7 加热故障' } }] })).status).toBe(201);
    const made = [];
    for (const [subject, code] of [['Washer shows E4 after a wash', 'e4'], ['Washer shows E7 and stays cold', 'e7']]) {
      const { ticket } = await web.app.c.tickets.create({ channel: 'voice', subject, team: 'support', type: 'fault', customer: { name: 'Zhou Min', phone: '+86 138 0000 1111' }, message: { channel: 'voice', body: subject, author: { type: 'customer', name: 'Zhou Min' } }, fields: { error_code: code } }, SYSTEM);
      made.push(ticket.number);
    }
    const page = await signIn(web.browser, web.app.url, 'supervisor@demo.local', { hash: '#/tickets', locale: 'zh-CN' });
    await page.locator('select[name=locale]').selectOption('zh-CN');
    await page.locator('.filters summary').click();
    await page.locator('select[name=filterField]').selectOption('error_code');
    await page.locator('select[name=filterValue]').selectOption('e4');
    await page.getByRole('button', { name: '添加筛选' }).click();
    await page.waitForFunction(() => location.hash.includes('fields.error_code=e4'));
    await page.locator('.field-chips .chip', { hasText: '故障码: E4 排水故障' }).waitFor();
    const e4 = page.locator(`.results li.qi[data-number="${made[0]}"]`);
    await e4.waitFor();
    // only the E4 ticket
    await page.waitForFunction((n) => !document.querySelector(`.results li.qi[data-number="${n}"]`), made[1]);
    expect(await page.locator('.results li.qi').count()).toBe(1);

    await page.locator('.save-view-button').click();
    await page.locator('input[name=viewName]').fill('E4 排水');
    await page.locator('form.save-view button[type=submit]').click();
    const view = page.locator('.view-list li[data-view="E4 排水"]');
    await view.waitFor();
    expect(await view.getAttribute('class')).toContain('active');
    expect(await view.locator('.count').getAttribute('data-count')).toBe('1');

    // removing the filter lists both again; the view brings it back
    await page.locator('.field-chips .chip button').click();
    await page.locator(`.results li.qi[data-number="${made[1]}"]`).waitFor();
    await view.locator('a').click();
    await page.locator('.field-chips .chip', { hasText: 'E4' }).waitFor();
    await page.waitForFunction((n) => !document.querySelector(`.results li.qi[data-number="${n}"]`), made[1]);
    await e4.waitFor();
    await page.context().close();
  });
});
