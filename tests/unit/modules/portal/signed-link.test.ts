import { bookingLinks, statusLinks } from '../../../../src/modules/portal/signed-link';

const SECRET = 'a-secret-of-the-unit-tests';
const ID = '0123456789abcdef01234567';

describe('signed links', () => {
  const now = new Date('2031-01-01T00:00:00Z');
  it('reads back what it signed, and nothing tampered', () => {
    const token = statusLinks(SECRET).sign({ t: ID });
    expect(statusLinks(SECRET).verify(token, now)).toEqual({ ok: true, data: { t: ID } });
    expect(statusLinks('another-secret-entirely').verify(token, now).ok).toBe(false);
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ t: 'ffffffffffffffffffffffff' })).toString('base64url')}.${mac}`;
    expect(statusLinks(SECRET).verify(forged, now)).toEqual({ ok: false, reason: 'invalid' });
    expect(statusLinks(SECRET).verify(`${token}.x`, now).ok).toBe(false);
    expect(statusLinks(SECRET).verify('x'.repeat(600), now).ok).toBe(false);
  });
  it('keeps purposes apart and honours an expiry', () => {
    const booking = bookingLinks(SECRET).sign({ u: ID, r: `${ID}:2031-02-01`, e: now.getTime() / 1000 + 60 });
    expect(statusLinks(SECRET).verify(booking, now).ok).toBe(false);
    expect(bookingLinks(SECRET).verify(booking, now).ok).toBe(true);
    expect(bookingLinks(SECRET).verify(booking, new Date(now.getTime() + 61_000))).toEqual({ ok: false, reason: 'expired' });
  });
});
