import { SYSTEM } from '../../src/core/types';
import { TIMELINE_EVENT_TYPES } from '../../src/modules/tickets/timeline.events';
import { buildTimelineEvents } from '../builders/timeline-events';
import { browserSuite } from '../helpers/browser-suite';

const CJK = /[\u4e00-\u9fff]/;

/** The console in Chinese shows every kind of timeline event in Chinese, rendered from its type and data. */
describe('timeline events in the zh-CN console', () => {
  const web = browserSuite({ app: { workers: false } });

  it('renders each event kind in Chinese, never its stored English line', async () => {
    const { ticket } = await web.app.c.tickets.create(
      { channel: 'voice', subject: '空调外机噪音很大', team: 'support', customer: { name: '王芳', phone: '+86 138 0013 8000', locale: 'zh-CN' }, message: { channel: 'voice', body: '外机声音很大。', author: { type: 'customer', name: '王芳' } } },
      SYSTEM,
    );
    const samples = buildTimelineEvents();
    for (const { event, body } of samples) await web.app.c.timeline.addEvent(ticket, event, body);

    const context = await web.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${web.app.url}/console#/ticket/${ticket.number}`);
    await page.locator('input[name=email]').fill('supervisor@demo.local'); // a zh-CN agent of the support team
    await page.locator('input[name=password]').fill('demo-password');
    await page.locator('form.login button[type=submit]').click();
    await page.locator('ol.timeline li[data-event]').nth(samples.length - 1).waitFor({ timeout: 15000 });
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

    const shown = await page.locator('ol.timeline li[data-event]').evaluateAll((lis) => lis.map((li) => ({ type: li.getAttribute('data-event')!, text: li.querySelector('.body')!.textContent ?? '' })));
    expect(shown.map((s) => s.type).sort()).toEqual([...TIMELINE_EVENT_TYPES].sort());
    for (const { event, body } of samples) {
      const line = shown.find((s) => s.type === event.type)!;
      expect([event.type, CJK.test(line.text)]).toEqual([event.type, true]);
      expect([event.type, line.text]).not.toEqual([event.type, body]);
    }
    expect(shown.find((s) => s.type === 'status_changed')!.text).toBe('Chen Jie (陈杰) 将状态从「处理中」改为「等待客户」');
    expect(shown.find((s) => s.type === 'call_missed')!.text).toBe('未接来电：+8613800138000（无人接听）');
    await context.close();
  });
});
