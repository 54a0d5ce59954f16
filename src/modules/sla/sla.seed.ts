import { bumpConfigVersion } from '../../infra/versioned-cache';
import type { Core } from '../../core/core';
import { calendarModel } from '../calendars/calendar.model';
import { slaPolicyModel } from './sla-policy.model';

/** The department's business hours in Shanghai: split shift around lunch, Saturday mornings, public holidays. */
export const DEMO_CALENDAR = {
  name: 'business-hours',
  timeZone: 'Asia/Shanghai',
  weekly: [1, 2, 3, 4, 5].flatMap((day) => [
    { day, from: '09:00', to: '12:00' },
    { day, from: '13:30', to: '18:00' },
  ]).concat([{ day: 6, from: '09:00', to: '12:00' }]),
  holidays: [
    { date: '2026-01-01', name: '元旦 New Year' },
    ...['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'].map((date) => ({ date, name: '春节 Spring Festival' })),
    { date: '2026-04-06', name: '清明节 Qingming' },
    ...['2026-05-01', '2026-05-04', '2026-05-05'].map((date) => ({ date, name: '劳动节 Labour Day' })),
    ...['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'].map((date) => ({ date, name: '国庆节 National Day' })),
  ],
  // 调休: a Saturday worked as a full weekday to bridge a holiday
  workdays: [{ date: '2026-02-14', like: 1, name: '春节调休 make-up workday' }],
};

/**
 * The department's default SLA policies (DOMAIN.md), tried in this order:
 * urgent complaints alert the manager at once; every other urgent ticket is an emergency around the
 * clock; complaints are answered within 24 h; faults are resolved within two business days; the rest
 * (general inquiries) get a first response within one business hour.
 */
export const DEMO_POLICIES = [
  { name: 'Urgent complaints', order: 10, match: { priority: 'urgent', type: 'complaint' }, targets: { firstResponse: 'PT24H' }, calendar: null, escalateOnCreate: 2 },
  { name: 'Emergency (24x7)', order: 20, match: { priority: 'urgent' }, targets: { firstResponse: 'PT15M', resolution: 'PT4H' }, calendar: null },
  { name: 'Complaints', order: 30, match: { type: 'complaint' }, targets: { firstResponse: 'PT24H' }, calendar: null },
  { name: 'Faults', order: 40, match: { type: 'fault' }, targets: { firstResponse: 'PT1H', resolution: 'P2D' }, calendar: 'business-hours' },
  { name: 'General inquiries', order: 100, match: {}, targets: { firstResponse: 'PT1H', nextResponse: 'PT4H' }, calendar: 'business-hours' },
];

export async function seedSla(c: Core): Promise<void> {
  await calendarModel(c.conn, c.clock).create(DEMO_CALENDAR);
  await slaPolicyModel(c.conn, c.clock).insertMany(DEMO_POLICIES.map((p) => ({ ...p, active: true })));
  await bumpConfigVersion(c.redis, c.config.queuePrefix, 'calendars');
  await bumpConfigVersion(c.redis, c.config.queuePrefix, 'sla-policies');
}
