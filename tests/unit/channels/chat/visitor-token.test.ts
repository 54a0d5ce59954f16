import { MovableClock } from '../../../../src/infra/clock';
import { VisitorTokens } from '../../../../src/channels/chat/visitor-token';

const DAY = 24 * 3600_000;

describe('chat visitor tokens', () => {
  it('expire after their lifetime, and live on when renewed by use', () => {
    const clock = new MovableClock();
    const tokens = new VisitorTokens('a-secret-of-the-tests', 30 * DAY, clock);
    const { visitorId, token } = tokens.issue();
    expect(tokens.verify(token)).toBe(visitorId);
    clock.advance(20 * DAY);
    expect(tokens.verify(token)).toBe(visitorId);
    const renewed = tokens.tokenFor(visitorId); // the visitor came back on day 20
    clock.advance(11 * DAY);
    expect(tokens.verify(token)).toBeNull(); // 31 days old
    expect(tokens.verify(renewed)).toBe(visitorId); // 11 days old
  });

  it('refuses forged, re-dated and unsigned tokens', () => {
    const clock = new MovableClock();
    const tokens = new VisitorTokens('a-secret-of-the-tests', 30 * DAY, clock);
    const { visitorId, token } = tokens.issue();
    const [p, id, issued, sig] = token.split('.');
    const later = (parseInt(issued, 36) + 3600).toString(36);
    expect(tokens.verify([p, id, later, sig].join('.'))).toBeNull();
    expect(tokens.verify(`v1.${visitorId}.${sig}`)).toBeNull(); // the old, never-expiring form
    expect(tokens.verify(new VisitorTokens('another-secret-entirely', 30 * DAY, clock).tokenFor(visitorId))).toBeNull();
    expect(tokens.verify(`${token}.x`)).toBeNull();
  });
});
