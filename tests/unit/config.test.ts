import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/x', REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: 'a-long-enough-secret' };

describe('config', () => {
  it('parses defaults into a frozen object', () => {
    const c = loadConfig(base);
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.port).toBe(3000);
    expect(c.smtpPort).toBe(2525);
    expect(c.surveyDelayMs).toBe(3600_000);
    expect(c.followupDelayMs).toBe(3 * 24 * 3600_000);
  });

  it.each([
    ['PORT', 'eighty', /^Invalid configuration: PORT /],
    ['SURVEY_DELAY', '1 hour', /^Invalid configuration: SURVEY_DELAY must be an ISO 8601 duration/],
    ['MONGODB_URI', 'http://x', /^Invalid configuration: MONGODB_URI must start with mongodb:\/\//],
    ['PUBLIC_URL', 'not a url', /^Invalid configuration: PUBLIC_URL /],
    ['LOG_LEVEL', 'loud', /^Invalid configuration: LOG_LEVEL /],
    ['WECHAT_AES_KEY', 'too-short', /^Invalid configuration: WECHAT_AES_KEY must be the 43-character EncodingAESKey/],
    ['SMS_URL', 'http://sms.example.com', /^Invalid configuration: SMS_URL must be twilio:\/\//],
    ['SECRETS_KEY', 'abc', /^Invalid configuration: SECRETS_KEY must be 64 hex characters/],
  ])('names the variable when %s is wrong, in one line', (name, value, message) => {
    let err: unknown;
    try {
      loadConfig({ ...base, [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('generates SESSION_SECRET once and keeps it under DATA_DIR', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-cfg-'));
    const { SESSION_SECRET: _s, ...noSecret } = base;
    const a = loadConfig({ ...noSecret, DATA_DIR: dir });
    const b = loadConfig({ ...noSecret, DATA_DIR: dir });
    expect(a.sessionSecret).toHaveLength(64);
    expect(b.sessionSecret).toBe(a.sessionSecret);
    fs.rmSync(dir, { recursive: true });
  });

  it('generates SECRETS_KEY (32 bytes) once under DATA_DIR, or takes the given one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ac-cfg-'));
    const a = loadConfig({ ...base, DATA_DIR: dir });
    expect(a.secretsKey).toHaveLength(32);
    expect(loadConfig({ ...base, DATA_DIR: dir }).secretsKey.equals(a.secretsKey)).toBe(true);
    expect(fs.statSync(path.join(dir, 'secrets-key')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ ...base, DATA_DIR: dir, SECRETS_KEY: 'ab'.repeat(32) }).secretsKey.toString('hex')).toBe('ab'.repeat(32));
    fs.rmSync(dir, { recursive: true });
  });

  it('reads the default WeChat account and the SMS provider', () => {
    const c = loadConfig({ ...base, WECHAT_TOKEN: 'tok123', WECHAT_APPID: 'wx123456', WECHAT_SECRET: 'secret-123', SMS_URL: 'log://' });
    expect(c.wechat).toEqual({ token: 'tok123', appId: 'wx123456', secret: 'secret-123', aesKey: undefined });
    expect(c.wechatApiBase).toBe('https://api.weixin.qq.com');
    expect(c.smsUrl).toBe('log://');
    expect(loadConfig(base).wechat).toBeUndefined();
    // docker compose passes `${VAR:-}` as an empty value: that is unset, not wrong
    expect(loadConfig({ ...base, WECHAT_TOKEN: '', SMS_URL: '', SECRETS_KEY: '', WECHAT_AES_KEY: '' })).toMatchObject({ wechat: undefined, smsUrl: undefined });
  });
});

describe('config of who is trusted', () => {
  const fails = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  };

  it('trusts no proxy unless TRUST_PROXY names them', () => {
    expect(loadConfig(base).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...base, TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::1']);
  });

  it('refuses to trust every address, and names what is not an address', () => {
    expect(fails({ TRUST_PROXY: 'true' })).toMatch(/^Invalid configuration: TRUST_PROXY must name the proxies/);
    expect(fails({ TRUST_PROXY: '10.0.0.0/33' })).toMatch(/^Invalid configuration: TRUST_PROXY has "10.0.0.0\/33"/);
    expect(fails({ TRUST_PROXY: 'my-proxy' })).toMatch(/TRUST_PROXY has "my-proxy"/);
  });

  it('wants an EMAIL_WEBHOOK_SECRET of at least 16 characters, and takes empty as unset', () => {
    expect(fails({ EMAIL_WEBHOOK_SECRET: 'short-secret' })).toMatch(/^Invalid configuration: EMAIL_WEBHOOK_SECRET must be at least 16 characters/);
    expect(loadConfig({ ...base, EMAIL_WEBHOOK_SECRET: '' }).emailWebhookSecret).toBeUndefined();
    expect(loadConfig({ ...base, EMAIL_WEBHOOK_SECRET: 'sixteen-chars-ok' }).emailWebhookSecret).toBe('sixteen-chars-ok');
  });
});
