import { Types } from 'mongoose';
import { MovableClock } from '../../src/infra/clock';
import { eventually } from '../helpers/harness';
import { startSmtpSink } from '../helpers/smtp-sink';
import { appSuite } from '../helpers/app-suite';

const DAY = 24 * 3600_000;
const SIGN_IN_LINK = /\/portal\/auth\/([A-Za-z0-9_-]+)/;
const BOOKING_LINK = /(\/portal\/book\?t=[A-Za-z0-9_.-]+)/;

describe('appointments and maintenance reminders', () => {
  const clock = new MovableClock();
  const suite = appSuite({ app: { clock }, mail: startSmtpSink });

  const mailFor = (address: string, match: RegExp, after = 0) => eventually(async () => suite.sink.sentTo(address).slice(after).find((m) => match.test(`${m.subject}\n${m.text ?? ''}`)), 30_000);

  async function customerWithUnit(name: string, email: string, model: string, purchaseDate: string, locale: 'en' | 'zh-CN' = 'en') {
    const a1 = await suite.app.as('agent1@demo.local');
    expect((await a1.post('/api/tickets').send({ channel: 'email', subject: `Hello from ${name}`, body: 'Hi', customer: { name, email, locale }, team: 'support' })).status).toBe(201);
    const customer = (await suite.app.c.models.Customer.findOne({ emails: email }))!;
    const mgr = await suite.app.as('manager@demo.local');
    const unit = await mgr.post(`/api/customers/${customer._id}/units`).send({ model, serial: `${model}-${name}-${Math.random().toString(36).slice(2, 8)}`, purchaseDate });
    expect(unit.status).toBe(201);
    return { customerId: String(customer._id), unitId: unit.body.id as string };
  }

  async function signIn(email: string) {
    const before = suite.sink.sentTo(email).length;
    await suite.app.http().post('/api/portal/login').send({ email });
    const token = SIGN_IN_LINK.exec((await mailFor(email, SIGN_IN_LINK, before)).text!)![1];
    const used = await suite.app.http().post(`/portal/auth/${token}`).type('form').send({});
    const cookie = ([] as string[]).concat(used.headers['set-cookie'] ?? []).find((c) => c.startsWith('ac_portal='))!.split(';')[0];
    const home = await suite.app.http().get('/portal').set('Cookie', cookie);
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)![1] };
  }

  const range = (fromDays: number, toDays: number) => `from=${encodeURIComponent(new Date(clock.now().getTime() + fromDays * DAY).toISOString())}&to=${encodeURIComponent(new Date(clock.now().getTime() + toDays * DAY).toISOString())}`;

  /** Runs one sweep of the portal queue and waits until it finished. */
  async function sweep() {
    const job = await suite.app.c.queues.get('portal').add('sweep', {});
    await eventually(async () => (await job.isCompleted()) || (await job.isFailed()), 30_000);
  }

  it('computes slots from the field team\'s hours; of 10 parallel bookings of a slot with 2 engineers exactly 2 get it, as scheduled work orders on the board', async () => {
    const { unitId } = await customerWithUnit('Chen', 'chen@example.cn', 'WM-800', '2026-06-01');
    const sup = await suite.app.as('supervisor@demo.local');
    const slots = await sup.get(`/api/appointments/slots?team=field&${range(3, 10)}&model=WM-800`);
    expect(slots.status).toBe(200);
    expect(slots.body.timeZone).toBe('Asia/Shanghai');
    // within business hours only (09:00–12:00 and 13:30–18:00 Shanghai on weekdays, 09:00–12:00 on Saturday), two hours each
    for (const s of slots.body.slots) {
      const local = new Date(new Date(s.start).getTime() + 8 * 3600_000);
      const at = local.toISOString().slice(11, 16);
      expect(local.getUTCDay()).not.toBe(0);
      expect(local.getUTCDay() === 6 ? ['09:00'] : ['09:00', '13:30', '15:30']).toContain(at);
      expect(new Date(s.end).getTime() - new Date(s.start).getTime()).toBe(2 * 3600_000);
    }
    const slot = slots.body.slots.find((s: { free: number }) => s.free === 2);
    expect(slot).toBeDefined();

    const results = await Promise.all(Array.from({ length: 10 }, () => sup.post('/api/appointments').send({ slotStart: slot.start, unitId, kind: 'repair', address: '北京市朝阳区建国路 1 号' })));
    const codes = results.map((r) => r.status).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(2);
    expect(codes.filter((c) => c === 409)).toHaveLength(8);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('slot_taken');

    const after = await sup.get(`/api/appointments/slots?team=field&${range(3, 10)}`);
    expect(after.body.slots.find((s: { start: string }) => s.start === slot.start)).toBeUndefined();
    const day = new Date(new Date(slot.start).getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const board = await sup.get(`/api/dispatch/board?date=${day}&team=field`);
    const booked = results.filter((r) => r.status === 201).map((r) => r.body.workOrderNumber);
    const pool = board.body.unassigned.filter((w: { number: string }) => booked.includes(w.number));
    expect(pool).toHaveLength(2);
    for (const w of pool) expect(w).toMatchObject({ status: 'scheduled', window: { start: slot.start, end: slot.end } });

    // an engineer's other visit near a slot (with the travel buffer) takes one seat away from it
    const ticket = results.find((r) => r.status === 201)!.body.ticketNumber;
    const eng1 = String((await suite.app.c.models.Agent.findOne({ email: 'engineer1@demo.local' }))!._id);
    const next = after.body.slots.find((s: { free: number; start: string }) => s.free === 2 && s.start > slot.end);
    const wo = await sup.post(`/api/tickets/${ticket}/work-orders`).send({ kind: 'inspection', description: 'check', address: 'x', engineer: eng1, window: { start: new Date(new Date(next.start).getTime() - 3600_000).toISOString(), end: new Date(new Date(next.start).getTime() - 15 * 60_000).toISOString() } });
    expect(wo.status).toBe(201);
    const shrunk = await sup.get(`/api/appointments/slots?team=field&${range(3, 10)}`);
    expect(shrunk.body.slots.find((s: { start: string }) => s.start === next.start)).toMatchObject({ capacity: 1, free: 1 });
  });

  it('a customer moves and cancels a visit up to 24 hours before; after that only an agent can; the day before a reminder mail goes out once', async () => {
    const { unitId } = await customerWithUnit('Li Na', 'li.na@example.cn', 'WM-800', '2026-05-01', 'zh-CN');
    const s = await signIn('li.na@example.cn');
    const slots = (await suite.app.http().get(`/api/appointments/slots?${range(3, 10)}`).set('Cookie', s.cookie)).body.slots;
    const noCsrf = await suite.app.http().post('/api/appointments').set('Cookie', s.cookie).send({ slotStart: slots[0].start, unitId, kind: 'maintenance', address: '上海市徐汇区 1 号' });
    expect(noCsrf.status).toBe(401);
    const booked = await suite.app.http().post('/api/appointments').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ slotStart: slots[0].start, unitId, kind: 'maintenance', address: '上海市徐汇区 1 号' });
    expect(booked.status).toBe(201);
    const confirmation = await mailFor('li.na@example.cn', /预约成功/);
    expect(confirmation.text).toMatch(/\/status\//);

    const moved = await suite.app.http().post(`/api/appointments/${booked.body.id}/reschedule`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).send({ slotStart: slots[1].start });
    expect(moved.status).toBe(200);
    const sup = await suite.app.as('supervisor@demo.local');
    expect((await sup.get(`/api/work-orders/${booked.body.workOrderId}`)).body.window.start).toBe(slots[1].start);

    // 20 hours before the visit: too late for the customer, the reminder goes out (once)
    clock.set(new Date(new Date(slots[1].start).getTime() - 20 * 3600_000));
    const late = await suite.app.http().post(`/api/appointments/${booked.body.id}/cancel`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('cutoff_passed');
    await sweep();
    await sweep();
    await mailFor('li.na@example.cn', /提醒：明天/);
    expect(suite.sink.sentTo('li.na@example.cn').filter((m) => /提醒：明天/.test(m.subject ?? ''))).toHaveLength(1);

    const byAgent = await sup.post(`/api/appointments/${booked.body.id}/cancel`);
    expect(byAgent.status).toBe(200);
    expect(byAgent.body.status).toBe('cancelled');
    expect((await sup.get(`/api/work-orders/${booked.body.workOrderId}`)).body.status).toBe('cancelled');
    clock.set(new Date());
  });

  it('sends a maintenance reminder that fell due while the workers were down once after they start, one for a unit registered late, and counts a booking from its link in the appointment rate', async () => {
    // an AC-3500 (first service 6 months after purchase) bought 6 months less 2 days ago
    const bought = new Date(clock.now().getTime());
    bought.setUTCMonth(bought.getUTCMonth() - 6);
    bought.setUTCDate(bought.getUTCDate() + 2);
    const ac = await customerWithUnit('Zhao Lei', 'zhao.lei@example.cn', 'AC-3500', bought.toISOString().slice(0, 10));
    // a dishwasher registered three years after purchase: three dates passed, one reminder
    const late = await customerWithUnit('Sun Mei', 'sun.mei@example.cn', 'DW-600', new Date(clock.now().getTime() - 3 * 365 * DAY - 10 * DAY).toISOString().slice(0, 10));
    await sweep();
    await mailFor('sun.mei@example.cn', /maintenance/i);
    expect(await suite.app.c.conn.collection('maintenancereminders').countDocuments({ unitId: { $in: [ac.unitId, late.unitId].map((id) => new Types.ObjectId(id)) } })).toBe(1);

    await suite.app.stopWorkers();
    clock.advance(3 * DAY);
    await suite.app.startWorkers(); // the start sweep finds what came due meanwhile
    const reminder = await mailFor('zhao.lei@example.cn', /maintenance/i);
    await sweep();
    await suite.app.stopWorkers();
    await suite.app.startWorkers();
    await sweep();
    expect(suite.sink.sentTo('zhao.lei@example.cn').filter((m) => /maintenance/i.test(m.subject ?? ''))).toHaveLength(1);
    expect(suite.sink.sentTo('sun.mei@example.cn').filter((m) => /maintenance/i.test(m.subject ?? ''))).toHaveLength(1);

    // the booking link works without signing in, for that unit
    const link = BOOKING_LINK.exec(reminder.text!)![1];
    const page = await suite.app.http().get(link);
    expect(page.status).toBe(200);
    const slotStart = /name="slotStart" value="([^"]+)"/.exec(page.text)![1];
    const token = /name="t" value="([^"]+)"/.exec(page.text)![1];
    const month = clock.now().toISOString().slice(0, 7);
    const mgr = await suite.app.as('manager@demo.local');
    const acRow = async () => (await mgr.get(`/api/reports/appointments?from=${month}&to=${month}`)).body.groups.find((g: { model: string }) => g.model === 'AC-3500');
    const before = await acRow(); // the demo's own AC-3500 units were reminded too
    expect(before.booked).toBe(0);
    const booked = await suite.app.http().post('/portal/book').type('form').send({ t: token, kind: 'maintenance', address: 'Beijing 1', slotStart });
    expect(booked.status).toBe(201);
    // a forged link books nothing
    expect((await suite.app.http().post('/portal/book').type('form').send({ t: `${token}x`, kind: 'maintenance', address: 'x', slotStart })).status).toBe(401);

    const after = await acRow();
    expect(after).toEqual({ model: 'AC-3500', month, remindersSent: before.remindersSent, booked: 1, appointmentRate: Math.round((1 / before.remindersSent) * 1000) / 1000 });
    const report = await mgr.get(`/api/reports/appointments?from=${month}&to=${month}`);
    const dw = report.body.groups.find((g: { model: string }) => g.model === 'DW-600');
    expect(dw).toMatchObject({ booked: 0, appointmentRate: 0 });
    clock.set(new Date());
  });
});
