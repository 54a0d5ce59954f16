import { sameListing } from '../../../../src/modules/tickets/ticket.live';
import type { QueueItem } from '../../../../src/modules/tickets/ticket.payloads';

// A customer's chat line sends the agents no `ticket:updated` when its queue entry changed no more
// than the preview and the time of the change (LiveTicketObserver.messageAdded): everything else
// the queue shows must count as a change.
const entry: QueueItem = {
  id: 't1',
  number: 7,
  subject: 'Washer leaks',
  channel: 'chat',
  status: 'open',
  priority: 'normal',
  type: 'inquiry',
  team: 'support',
  assignee: { id: 'a1', name: 'Agent One' },
  customer: { id: 'c1', name: 'Ann', email: 'ann@example.com', phone: null, locale: 'en' },
  dueAt: '2026-12-02T02:00:00.000Z',
  slaStatus: 'active',
  preview: 'hello',
  createdAt: '2026-12-02T00:00:00.000Z',
  updatedAt: '2026-12-02T00:01:00.000Z',
};
const copy = (): QueueItem => JSON.parse(JSON.stringify(entry)) as QueueItem;

describe('sameListing', () => {
  it('ignores the preview and the time of the change, and the order of the fields', () => {
    const { id, ...rest } = entry;
    expect(sameListing(entry, { ...copy(), preview: 'second line', updatedAt: '2026-12-02T00:02:00.000Z' })).toBe(true);
    expect(sameListing(entry, { ...rest, id } as QueueItem)).toBe(true);
  });

  it.each<[string, Partial<QueueItem>]>([
    ['status', { status: 'pending' }],
    ['priority', { priority: 'high' }],
    ['assignee', { assignee: null }],
    ["assignee's name", { assignee: { id: 'a1', name: 'Renamed' } }],
    ['due time', { dueAt: '2026-12-02T03:00:00.000Z' }],
    ['SLA status', { slaStatus: 'breached' }],
    ['team', { team: 'tech' }],
    ["customer's phone", { customer: { ...entry.customer, phone: '+8613800000000' } }],
    ['subject', { subject: 'Washer E4' }],
  ])('counts a change of the %s', (_what, change) => {
    expect(sameListing(entry, { ...copy(), ...change })).toBe(false);
    expect(sameListing({ ...copy(), ...change }, entry)).toBe(false);
  });

  it('tells an absent field from a null one, as the JSON of the entry does', () => {
    const { email: _email, ...noEmail } = entry.customer;
    expect(sameListing(entry, { ...copy(), customer: noEmail })).toBe(false);
    expect(sameListing({ ...copy(), customer: noEmail }, entry)).toBe(false);
    expect(sameListing({ ...copy(), customer: { ...noEmail, email: undefined } }, { ...copy(), customer: noEmail })).toBe(true);
  });
});
