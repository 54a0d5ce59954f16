import crypto from 'node:crypto';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { wechatSignature } from '../../src/channels/wechat/wechat.crypto';
import type { MovableClock } from '../../src/infra/clock';
import { FakeSms, startFakeSms } from '../helpers/fake-sms';
import { FakeWechat, startFakeWechat } from '../helpers/fake-wechat';
import { ensureConsoleBundle, launchChromium, signInConsole } from '../helpers/browser';
import { eventually, startTestApp, TestApp } from '../helpers/harness';
import { freePort } from '../../scripts/lib/embedded-stores';

const TOKEN = 'browserToken1';
const APPID = 'wx1234567890abcdef';
const SECRET = 'browser-app-secret';

describe('the composer of a WeChat ticket in headless Chromium', () => {
  let app: TestApp;
  let wechat: FakeWechat;
  let sms: FakeSms;
  let browser: Browser;
  beforeAll(async () => {
    ensureConsoleBundle();
    wechat = await startFakeWechat({ appId: APPID, secret: SECRET });
    sms = await startFakeSms({ twilio: { sid: 'AC9', token: 'tok' } });
    app = await startTestApp({ env: { WECHAT_TOKEN: TOKEN, WECHAT_APPID: APPID, WECHAT_SECRET: SECRET, WECHAT_API_BASE: wechat.url, SMS_URL: `twilio://AC9:tok@api.twilio.com?from=%2B15550002222&base=${encodeURIComponent(sms.url)}` } });
    browser = await launchChromium();
  }, 60000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await wechat?.close();
    await sms?.close();
  });

  it('shows in Chinese why WeChat cannot deliver after 48 hours and sends the draft by SMS instead', async () => {
    const openId = 'o_browser_customer';
    const ts = String(Math.floor(app.clock.now().getTime() / 1000));
    const nonce = crypto.randomBytes(4).toString('hex');
    const xml = `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[${openId}]]></FromUserName><CreateTime>${ts}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[热水器不出热水]]></Content><MsgId>7000000000000000001</MsgId></xml>`;
    await app.http().post('/webhooks/wechat/default').query({ signature: wechatSignature(TOKEN, ts, nonce), timestamp: ts, nonce }).set('Content-Type', 'text/xml').send(xml).expect(200);
    const ticket = await eventually(async () => {
      const u = (await app.c.conn.model('WechatUser').findById(`default:${openId}`).lean()) as { ticketId?: unknown } | null;
      return u?.ticketId ? app.c.models.Ticket.findById(u.ticketId) : null;
    }, 10_000);
    await app.c.customers.update(String(ticket.customerId), { phones: ['+8613700001111'] });
    (app.clock as MovableClock).advance(49 * 3600_000);

    const violations: string[][] = [];
    // the console speaks the account's language (agent1's is English until chosen): this agent works in Chinese
    await (await app.as('agent1@demo.local')).patch('/api/auth/me').send({ locale: 'zh-CN' }).expect(200);
    const page = await signInConsole(browser, app.url, 'agent1@demo.local', { hash: `#/ticket/${ticket.number}`, locale: 'zh-CN', violations });
    const notice = page.locator('[data-testid=reply-window]');
    await notice.waitFor({ timeout: 15000 });
    expect(await notice.getAttribute('data-reason')).toBe('window_closed');
    expect(await notice.textContent()).toContain('48 小时');
    expect(await page.locator('form.composer button[type=submit]').isDisabled()).toBe(true);
    await notice.locator('[data-alt=callback]').waitFor();

    await page.locator('form.composer textarea').fill('您好，师傅明天上午上门。');
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: path.resolve(__dirname, '../../docs/screenshots/wechat-composer.png') });
    await notice.locator('[data-alt=sms]').click();
    await notice.locator('[role=status]', { hasText: '已通过短信发送' }).waitFor({ timeout: 15000 });
    await eventually(async () => sms.twilio.find((m) => m.To === '+8613700001111' && m.Body === '您好，师傅明天上午上门。'));
    expect(wechat.sent.find((m) => m.touser === openId)).toBeUndefined();
    expect(violations.flat()).toEqual([]);
  });

  it('shows the WeChat accounts and a mailbox\'s connection error on the Channels page', async () => {
    const admin = await app.as('admin@demo.local');
    const closedPort = await freePort(); // nothing listens there
    await admin.put('/api/teams/tech').send({ mailboxes: [{ host: '127.0.0.1', port: closedPort, secure: false, user: 'tech@acme.test', password: 'pw-123456' }] }).expect(200);
    await eventually(async () => (await admin.get('/api/teams/tech/mailboxes')).body.mailboxes[0]?.state === 'error', 20_000);

    const violations: string[][] = [];
    const page = await signInConsole(browser, app.url, 'admin@demo.local', { hash: '#/channels', violations });
    await page.locator('[data-account=default]').waitFor({ timeout: 15000 });
    expect(await page.locator('[data-account=default]').textContent()).toContain(APPID);
    const row = page.locator('[data-team=tech] tr[data-mailbox]');
    await row.waitFor();
    expect(await row.locator('[data-state]').getAttribute('data-state')).toBe('error');
    expect(await row.textContent()).toContain('Connection refused');
    expect(await page.textContent('.channels-settings')).not.toContain('pw-123456');
    expect(violations.flat()).toEqual([]);
  });
});
