import crypto from 'node:crypto';
import twilio from 'twilio';

/**
 * Twilio's published example (docs: "Secure webhooks" / the helper libraries' tests): auth token
 * 12345, a Voice request to https://mycompany.com/myapp.php?foo=1&bar=2. The webhook guard uses
 * twilio.validateRequest, so this pins the library's behaviour to the algorithm Twilio documents.
 */
describe('Twilio request signature', () => {
  const authToken = '12345';
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  const expected = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

  it('matches the documented algorithm: HMAC-SHA1 over the URL and the sorted parameters, base64', () => {
    const data = url + Object.keys(params).sort().map((k) => k + params[k as keyof typeof params]).join('');
    const ours = crypto.createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
    expect(ours).toBe(expected);
    expect(twilio.getExpectedTwilioSignature(authToken, url, params)).toBe(expected);
  });

  it('accepts the example and refuses any change to token, URL, parameters or signature', () => {
    expect(twilio.validateRequest(authToken, expected, url, params)).toBe(true);
    expect(twilio.validateRequest('54321', expected, url, params)).toBe(false);
    expect(twilio.validateRequest(authToken, expected, 'https://mycompany.com/myapp.php?foo=1&bar=3', params)).toBe(false);
    expect(twilio.validateRequest(authToken, expected, url, { ...params, Digits: '1235' })).toBe(false);
    expect(twilio.validateRequest(authToken, 'GvWf1cFY/Q7PYx2i1iIeNkXFfYk=', url, params)).toBe(false);
    expect(twilio.validateRequest(authToken, '', url, params)).toBe(false);
  });
});
