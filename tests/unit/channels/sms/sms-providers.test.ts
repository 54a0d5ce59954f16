import { parseSmsUrl, twilioStatus } from '../../../../src/channels/sms/sms.providers';
import { tc3Authorization } from '../../../../src/channels/sms/tencent.sign';

describe('Tencent Cloud TC3-HMAC-SHA256', () => {
  it('signs Tencent\'s published example (CVM DescribeInstances, 2019-02-25) to the published signature', () => {
    // the example of Tencent Cloud's "Signature v3" page: its (redacted) keys, payload and timestamp
    const r = tc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
      timestamp: 1551113065,
    });
    expect(r.date).toBe('2019-02-25');
    expect(r.signature).toBe('2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c');
    expect(r.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });
});

describe('SMS_URL', () => {
  it('reads Twilio credentials, sender and base URL', () => {
    expect(parseSmsUrl('twilio://AC123:tok%2Fen@api.twilio.com?from=%2B15550001111', 'https://help.example.com')).toEqual({
      provider: 'twilio',
      accountSid: 'AC123',
      authToken: 'tok/en',
      from: '+15550001111',
      base: 'https://api.twilio.com',
      statusCallback: 'https://help.example.com/webhooks/sms/twilio/status',
    });
    expect(parseSmsUrl('twilio://AC1:t@api.twilio.com?from=%2B1&base=http://127.0.0.1:5000/', 'x')).toMatchObject({ base: 'http://127.0.0.1:5000' });
  });

  it('reads Tencent credentials, app, sign and template ids per locale', () => {
    const c = parseSmsUrl('tencent://AKID1:key1@sms.tencentcloudapi.com?appId=1400006666&sign=%E5%94%AE%E5%90%8E&tpl.survey-link=111&tpl.survey-link.en=222', 'x');
    expect(c).toMatchObject({ provider: 'tencent', secretId: 'AKID1', secretKey: 'key1', appId: '1400006666', sign: '售后', region: 'ap-guangzhou', host: 'sms.tencentcloudapi.com', templates: { 'survey-link': '111', 'survey-link.en': '222' } });
  });

  it('names what is missing', () => {
    expect(() => parseSmsUrl('twilio://AC1:t@api.twilio.com', 'x')).toThrow(/from=/);
    expect(() => parseSmsUrl('tencent://id:key@sms.tencentcloudapi.com?appId=1', 'x')).toThrow(/sign=/);
  });

  it('maps Twilio\'s message statuses onto queued, sent, delivered, failed', () => {
    expect(['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'weird'].map(twilioStatus)).toEqual(['queued', 'queued', 'sent', 'delivered', 'failed', 'failed', null]);
  });
});
