import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedDemoHistory } from '../../src/seed/demo-history';
import { signInConsole } from '../helpers/browser';
import { browserSuite } from '../helpers/browser-suite';

const ROOT = path.resolve(__dirname, '../..');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(ROOT, 'docs/screenshots') : null;
const DAY = 24 * 3600 * 1000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const TILES = ['tickets', 'firstResponseMedianSec', 'resolutionMedianSec', 'slaCompliance', 'csatAverage', 'csatResponseRate', 'complaintRate', 'followUpCompletion', 'callsAnsweredWithin30s'] as const;

describe('reports view of the console in headless Chromium', () => {
  const web = browserSuite();
  beforeAll(async () => {
    // the demo's month of history (tests skip it in seedDemo): tickets, surveys and calls in the past
    await seedDemoHistory(web.app.c);
  }, 60000);

  async function signIn(email: string): Promise<Page> {
    return signInConsole(web.browser, web.app.url, email, { viewport: { width: 1400, height: 1500 }, acceptDownloads: true });
  }

  async function summary(from: string, to: string, groupBy: string, accept = 'application/json') {
    const manager = await web.app.as('manager@demo.local');
    const res = await manager.get(`/api/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`).set('Accept', accept);
    expect(res.status).toBe(200);
    return res;
  }

  it('shows the manager the API figures as tiles and charts, regroups by team, and downloads the CSV', async () => {
    const page = await signIn('manager@demo.local');
    await page.locator('[data-nav=reports]').click();
    const view = page.locator('.reports');
    await view.locator('.tile[data-k=tickets]').waitFor({ timeout: 15000 });

    // the default range is the last 30 UTC days, today included
    const tomorrow = Math.floor(Date.now() / DAY) * DAY + DAY;
    const last30 = { from: isoDay(tomorrow - 30 * DAY), to: isoDay(tomorrow) };
    expect(await view.getAttribute('data-from')).toBe(last30.from);
    expect(await view.getAttribute('data-to')).toBe(last30.to);
    const api30 = (await summary(last30.from, last30.to, 'day')).body;
    expect(api30.totals.tickets).toBeGreaterThanOrEqual(35); // the history and today's demo tickets
    for (const k of TILES) {
      const expected = api30.totals[k];
      expect({ k, value: await view.locator(`.tile[data-k=${k}]`).getAttribute('data-value') }).toEqual({ k, value: expected === null ? '' : String(expected) });
    }
    expect(await view.locator('.tile[data-k=tickets] .tile-value').textContent()).toBe(String(api30.totals.tickets));
    // the manager reads Chinese (her locale): labels come from zh-CN
    await view.locator('.tile[data-k=slaCompliance] .tile-label', { hasText: '时效达标率' }).waitFor();
    expect(await view.locator('svg[data-chart=tickets-per-day] rect.bar').count()).toBe(30);
    expect(await view.locator('svg[data-chart=medians-per-day] path.line').count()).toBe(2);

    // last 7 days: seven bars, each the API's count of that day (zero where no group came back)
    await view.locator('button[data-preset="7d"]').click();
    const last7 = { from: isoDay(tomorrow - 7 * DAY), to: isoDay(tomorrow) };
    await page.locator(`.reports[data-from="${last7.from}"]`).waitFor({ timeout: 15000 });
    const api7 = (await summary(last7.from, last7.to, 'day')).body;
    const bars = view.locator('svg[data-chart=tickets-per-day] rect.bar');
    expect(await bars.count()).toBe(7);
    const perDay = new Map<string, number>(api7.groups.map((g: { key: string; tickets: number }) => [g.key, g.tickets]));
    for (let i = 0; i < 7; i++) {
      const day = isoDay(tomorrow - (7 - i) * DAY);
      expect([day, await bars.nth(i).getAttribute('data-value')]).toEqual([day, String(perDay.get(day) ?? 0)]);
    }
    expect(await view.locator('svg[data-chart=tickets-per-day] rect.bar title').first().textContent()).toContain('个工单');
    expect(await view.locator('.tile[data-k=tickets]').getAttribute('data-value')).toBe(String(api7.totals.tickets));

    // back to 30 days, grouped by team: the SLA and CSAT charts show one bar per team with tickets
    await view.locator('button[data-preset="30d"]').click();
    await page.locator(`.reports[data-from="${last30.from}"]`).waitFor({ timeout: 15000 });
    await view.locator('select[name=groupBy]').selectOption('team');
    await page.locator('svg[data-chart=sla-by-group][data-groupby=team]').waitFor({ timeout: 15000 });
    const byTeam = (await summary(last30.from, last30.to, 'team')).body;
    const teamRows = byTeam.groups.filter((g: { tickets: number }) => g.tickets > 0);
    const slaBars = view.locator('svg[data-chart=sla-by-group] rect.bar');
    expect(await slaBars.evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(teamRows.map((g: { key: string }) => g.key));
    expect(await slaBars.evaluateAll((els) => els.map((e) => e.getAttribute('data-value')))).toEqual(teamRows.map((g: { slaCompliance: number | null }) => (g.slaCompliance === null ? '' : String(g.slaCompliance))));
    expect(await view.locator('svg[data-chart=csat-by-group] rect.bar').count()).toBe(teamRows.length);
    await view.locator('svg[data-chart=sla-by-group] text', { hasText: '技术支持' }).waitFor(); // the team's Chinese name

    // the product-quality table: recurring models with example tickets that open the ticket view
    const month = isoDay(tomorrow - DAY).slice(0, 7);
    const quality = (await (await web.app.as('manager@demo.local')).get(`/api/reports/product-quality?month=${month}&limit=10`)).body;
    const rows = view.locator('section.quality tr[data-model]');
    await page.locator(`section.quality[data-month="${month}"]`).waitFor({ timeout: 15000 });
    expect(quality.models.length).toBeGreaterThan(0); // at least today's AC-3500 fault
    expect(await rows.count()).toBe(quality.models.length);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'reports.png') });

    // the CSV: fetched with the bearer token, saved through a Blob; same header row as the API's CSV
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), view.locator('button[data-action=csv]').click()]);
    expect(download.suggestedFilename()).toBe(`summary-team-${last30.from}-${last30.to}.csv`);
    const saved = fs.readFileSync((await download.path())!, 'utf8');
    const apiCsv = (await summary(last30.from, last30.to, 'team', 'text/csv')).text;
    const header = (s: string) => s.replace(/^\uFEFF/, '').split('\r\n')[0];
    // the manager reads Chinese: the downloaded CSV's headers and team names are Chinese, the columns the API's
    expect(header(apiCsv)).toMatch(/^key,label,tickets,firstResponseMedianSec,/);
    expect(header(saved)).toMatch(/^键,名称,工单量,首次响应时长中位数（秒）,/);
    expect(header(saved).split(',').length).toBe(header(apiCsv).split(',').length);
    expect(saved).toContain('客户服务');
    expect(saved).toContain('合计');
    expect(saved.split('\r\n').filter(Boolean).length).toBe(teamRows.length + 2); // header, teams, total

    const example = quality.models[0].examples[0].number as number;
    await rows.first().locator(`a[href="#/ticket/${example}"]`).click();
    await page.locator('.ticket-head .num', { hasText: `#${example}` }).waitFor({ timeout: 15000 });
  });

  it('shows a supervisor only her teams, over a custom range', async () => {
    const page = await signIn('supervisor@demo.local');
    await page.goto(`${web.app.url}/console#/reports`);
    const view = page.locator('.reports');
    await view.locator('.tile[data-k=tickets]').waitFor({ timeout: 15000 });
    await view.locator('button[data-preset=custom]').click();
    const first = isoDay(Date.now() - 12 * DAY);
    const last = isoDay(Date.now() - 10 * DAY);
    await view.locator('input[name=from]').fill(first);
    await view.locator('input[name=to]').fill(last);
    await view.locator('select[name=groupBy]').selectOption('team');
    await page.locator(`.reports[data-from="${first}"][data-to="${isoDay(Date.parse(last) + DAY)}"][data-groupby=team]`).waitFor({ timeout: 15000 });
    expect(await view.locator('svg[data-chart=tickets-per-day] rect.bar').count()).toBe(3);
    const keys = await view.locator('svg[data-chart=sla-by-group] rect.bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(keys.every((k) => k === 'support' || k === 'tech')).toBe(true);
    const sup = await web.app.as('supervisor@demo.local');
    const api = (await sup.get(`/api/reports/summary?from=${first}&to=${isoDay(Date.parse(last) + DAY)}&groupBy=team`)).body;
    expect(await view.locator('.tile[data-k=tickets]').getAttribute('data-value')).toBe(String(api.totals.tickets));
  });

  it('does not offer reports to an agent', async () => {
    const page = await signIn('agent1@demo.local');
    await page.locator('section.queue li.qi').first().waitFor();
    expect(await page.locator('[data-nav=reports]').count()).toBe(0);
    // the history is finished work: whatever the queue shows is live in the store, never a solved or closed ticket
    const shown = (await page.locator('section.queue li.qi').allTextContents()).map((x) => Number(/#(\d+)/.exec(x)?.[1]));
    expect(shown.length).toBeGreaterThan(0);
    const stored = await web.app.c.models.Ticket.find({ number: { $in: shown } }, { number: 1, status: 1 }).lean();
    expect(stored.filter((t) => t.status === 'solved' || t.status === 'closed').map((t) => t.number)).toEqual([]);
    await page.goto(`${web.app.url}/console#/reports`);
    await page.locator('section.queue').waitFor();
    expect(await page.locator('.reports').count()).toBe(0);
  });
});
