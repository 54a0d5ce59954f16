import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tc3Authorization } from '../../src/channels/sms/tencent.sign';

export interface FakeSms {
  url: string;
  /** Twilio: form fields of each accepted POST …/Messages.json */
  twilio: Record<string, string>[];
  /** Tencent: the JSON payload of each accepted SendSms */
  tencent: { PhoneNumberSet: string[]; SmsSdkAppId: string; SignName: string; TemplateId: string; TemplateParamSet: string[]; SessionContext: string }[];
  /** answer the next Twilio sends with this HTTP status and error code */
  failTwilio(status: number, code: number, times?: number): void;
  close(): Promise<void>;
}

/**
 * A local SMS provider speaking both wire formats: Twilio's Messages API (form-encoded, basic auth)
 * and Tencent Cloud's SendSms (JSON, TC3-HMAC-SHA256 checked against the request it got).
 */
export async function startFakeSms(creds: { twilio?: { sid: string; token: string }; tencent?: { id: string; key: string } }): Promise<FakeSms> {
  const twilio: FakeSms['twilio'] = [];
  const tencent: FakeSms['tencent'] = [];
  const failures: { status: number; code: number }[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url ?? '');
      if (m && req.method === 'POST' && creds.twilio) {
        const expected = `Basic ${Buffer.from(`${creds.twilio.sid}:${creds.twilio.token}`).toString('base64')}`;
        if (m[1] !== creds.twilio.sid || req.headers.authorization !== expected) return json(401, { code: 20003, message: 'Authenticate', status: 401 });
        const fail = failures.shift();
        if (fail) return json(fail.status, { code: fail.code, message: `error ${fail.code}`, status: fail.status });
        const form = Object.fromEntries(new URLSearchParams(raw));
        if (!form.To || !form.Body || !(form.From || form.MessagingServiceSid)) return json(400, { code: 21604, message: 'A To, Body and From are required', status: 400 });
        twilio.push(form);
        return json(201, { sid: `SM${String(++n).padStart(32, '0')}`, status: 'queued', to: form.To, from: form.From, body: form.Body });
      }
      if (req.url === '/' && req.method === 'POST' && creds.tencent) {
        const ts = Number(req.headers['x-tc-timestamp']);
        const { authorization } = tc3Authorization({ secretId: creds.tencent.id, secretKey: creds.tencent.key, service: 'sms', host: String(req.headers.host), payload: raw, timestamp: ts, contentType: String(req.headers['content-type']) });
        if (req.headers['x-tc-action'] !== 'SendSms' || req.headers['x-tc-version'] !== '2021-01-11') return json(200, { Response: { Error: { Code: 'InvalidAction', Message: 'bad action' }, RequestId: 'r' } });
        if (req.headers.authorization !== authorization) return json(200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'The provided credentials could not be validated.' }, RequestId: 'r' } });
        const p = JSON.parse(raw);
        tencent.push(p);
        return json(200, { Response: { SendStatusSet: [{ SerialNo: `2019:${++n}`, PhoneNumber: p.PhoneNumberSet[0], Fee: 1, SessionContext: p.SessionContext, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }], RequestId: `req-${n}` } });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    twilio,
    tencent,
    failTwilio(status, code, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, code });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
