import type { Logger } from '../../logger';
import { OutgoingSms, SentSms, SmsProvider, SmsProviderError, SmsStatus } from './sms.provider';
import { tc3Authorization } from './tencent.sign';

const TIMEOUT_MS = 15_000;

/** SMS_URL, parsed: which provider, its credentials, and a base URL (tests point it at a local fake). */
export type SmsConfig =
  | { provider: 'twilio'; accountSid: string; authToken: string; from: string; base: string; statusCallback: string | null }
  | { provider: 'tencent'; secretId: string; secretKey: string; appId: string; sign: string; region: string; host: string; base: string; templates: Record<string, string> }
  | { provider: 'log' };

/**
 * `twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=+15550001111[&base=http://127.0.0.1:9999]`
 * `tencent://SECRET_ID:SECRET_KEY@sms.tencentcloudapi.com?appId=1400000000&sign=售后服务&region=ap-guangzhou&tpl.appointment-confirmed=123456&tpl.appointment-confirmed.en=234567[&base=…]`
 * `log://` (development: messages are logged, never sent)
 */
export function parseSmsUrl(raw: string, publicUrl: string): SmsConfig {
  const url = new URL(raw);
  const q = url.searchParams;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'log') return { provider: 'log' };
  if (scheme === 'twilio') {
    const from = q.get('from') ?? q.get('messagingServiceSid');
    if (!user || !pass || !from) throw new Error('SMS_URL twilio:// needs ACCOUNT_SID:AUTH_TOKEN@ and ?from=');
    return { provider: 'twilio', accountSid: user, authToken: pass, from, base: (q.get('base') ?? `https://${url.host || 'api.twilio.com'}`).replace(/\/$/, ''), statusCallback: `${publicUrl}/webhooks/sms/twilio/status` };
  }
  if (scheme === 'tencent') {
    const appId = q.get('appId');
    const sign = q.get('sign');
    if (!user || !pass || !appId || !sign) throw new Error('SMS_URL tencent:// needs SECRET_ID:SECRET_KEY@, ?appId= and ?sign=');
    const templates: Record<string, string> = {};
    for (const [k, v] of q) if (k.startsWith('tpl.')) templates[k.slice(4)] = v;
    const host = url.host || 'sms.tencentcloudapi.com';
    return { provider: 'tencent', secretId: user, secretKey: pass, appId, sign, region: q.get('region') ?? 'ap-guangzhou', host, base: (q.get('base') ?? `https://${host}`).replace(/\/$/, ''), templates };
  }
  throw new Error(`SMS_URL: unknown provider ${scheme}`);
}

/** Twilio's statuses onto ours. */
export function twilioStatus(s: string): SmsStatus | null {
  if (s === 'accepted' || s === 'scheduled' || s === 'queued' || s === 'sending') return 'queued';
  if (s === 'sent') return 'sent';
  if (s === 'delivered' || s === 'read') return 'delivered';
  if (s === 'failed' || s === 'undelivered' || s === 'canceled') return 'failed';
  return null;
}

/** Twilio's Messages API: form-encoded POST with basic auth; delivery states by the StatusCallback. */
export class TwilioSms implements SmsProvider {
  readonly name = 'twilio' as const;
  constructor(private readonly c: Extract<SmsConfig, { provider: 'twilio' }>) {}

  async send(sms: OutgoingSms): Promise<SentSms> {
    const form = new URLSearchParams({ To: sms.to, Body: sms.text });
    form.set(this.c.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', this.c.from);
    if (this.c.statusCallback) form.set('StatusCallback', this.c.statusCallback);
    const res = await fetch(`${this.c.base}/2010-04-01/Accounts/${encodeURIComponent(this.c.accountSid)}/Messages.json`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${this.c.accountSid}:${this.c.authToken}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((err: Error) => {
      throw new SmsProviderError(`Twilio unreachable: ${err.message}`, false, 'network');
    });
    const body = (await res.json().catch(() => ({}))) as { sid?: string; status?: string; code?: number; message?: string };
    if (res.ok && body.sid) return { providerId: body.sid, status: twilioStatus(body.status ?? 'queued') ?? 'queued' };
    const code = String(body.code ?? res.status);
    // 4xx are refusals of this message (bad number 21211, unsubscribed 21610…); 429 and 5xx pass
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 429;
    throw new SmsProviderError(`Twilio ${res.status} ${code}: ${body.message ?? ''}`.trim(), permanent, code, code === '21610');
  }
}

/** Tencent Cloud SMS `SendSms` (API 2021-01-11), signed TC3-HMAC-SHA256; templates are approved at Tencent by id. */
export class TencentSms implements SmsProvider {
  readonly name = 'tencent' as const;
  constructor(
    private readonly c: Extract<SmsConfig, { provider: 'tencent' }>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(sms: OutgoingSms): Promise<SentSms> {
    const templateId = this.c.templates[`${sms.template}.${sms.locale}`] ?? this.c.templates[sms.template];
    if (!templateId) throw new SmsProviderError(`No Tencent template id for ${sms.template} (${sms.locale}): add tpl.${sms.template}=ID to SMS_URL`, true, 'no_template');
    const payload = JSON.stringify({ PhoneNumberSet: [sms.to], SmsSdkAppId: this.c.appId, SignName: this.c.sign, TemplateId: templateId, TemplateParamSet: sms.params, SessionContext: sms.reference });
    const base = new URL(this.c.base);
    const timestamp = Math.floor(this.now().getTime() / 1000);
    const { authorization } = tc3Authorization({ secretId: this.c.secretId, secretKey: this.c.secretKey, service: 'sms', host: base.host, payload, timestamp });
    const res = await fetch(`${this.c.base}/`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/json; charset=utf-8', Host: base.host, 'X-TC-Action': 'SendSms', 'X-TC-Version': '2021-01-11', 'X-TC-Region': this.c.region, 'X-TC-Timestamp': String(timestamp) },
      body: payload,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).catch((err: Error) => {
      throw new SmsProviderError(`Tencent Cloud unreachable: ${err.message}`, false, 'network');
    });
    const body = (await res.json().catch(() => ({}))) as { Response?: { Error?: { Code: string; Message: string }; SendStatusSet?: { SerialNo: string; Code: string; Message: string }[] } };
    const err = body.Response?.Error;
    if (err) throw new SmsProviderError(`Tencent ${err.Code}: ${err.Message}`, !/^(InternalError|RequestLimitExceeded|LimitExceeded\.(PhoneNumberThirtySecondLimit|PhoneNumberOneHourLimit))/.test(err.Code), err.Code);
    const status = body.Response?.SendStatusSet?.[0];
    if (!status) throw new SmsProviderError(`Tencent answered HTTP ${res.status} without a status`, false, 'no_status');
    if (status.Code !== 'Ok') throw new SmsProviderError(`Tencent ${status.Code}: ${status.Message}`, !/LimitExceeded|InternalError/.test(status.Code), status.Code, /unsubscribe/i.test(status.Code));
    return { providerId: status.SerialNo, status: 'sent' };
  }
}

/** Development: the text goes to the log. */
export class LogSms implements SmsProvider {
  readonly name = 'log' as const;
  private n = 0;
  constructor(private readonly log: Logger) {}
  async send(sms: OutgoingSms): Promise<SentSms> {
    this.log.info({ template: sms.template, locale: sms.locale, text: sms.text }, 'sms (not sent: SMS_URL is log://)');
    return { providerId: `log-${Date.now()}-${++this.n}`, status: 'delivered' };
  }
}

export function createSmsProvider(config: SmsConfig, log: Logger): SmsProvider {
  if (config.provider === 'twilio') return new TwilioSms(config);
  if (config.provider === 'tencent') return new TencentSms(config);
  return new LogSms(log);
}
