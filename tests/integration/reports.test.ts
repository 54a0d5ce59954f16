import { Types } from 'mongoose';
import type { Clock } from '../../src/infra/clock';
import { SYSTEM } from '../../src/core/types';
import { startTestApp, TestApp } from '../helpers/harness';

/**
 * A clock that stands still between moves, so every duration in the report is exact to the
 * millisecond (MovableClock keeps ticking with real time between API calls).
 */
class StepClock implements Clock {
  private t = 0;
  now(): Date {
    return new Date(this.t);
  }
  set(at: string | Date): void {
    this.t = new Date(at).getTime();
  }
}

const D1 = '2030-03-04'; // a Monday
const D2 = '2030-03-05';
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00.000Z`;
const RANGE = `from=${D1}&to=2030-03-06`;
const H = 3600;

type Row = Record<string, unknown>;
/** The figures of one summary row, in the order of the CSV header; null where nothing was counted. */
function fig(
  key: string,
  label: string,
  [tickets, frMed, frP90, rsMed, rsP90, resolved, resolutionRate, reopenRate, sla, slaFr, slaRs, csat, csatN, csatRate, complaints, complaintRate, followUps, followUpRate, calls, fast]: (number | null)[],
): Row {
  return {
    key, label, tickets, firstResponseMedianSec: frMed, firstResponseP90Sec: frP90, resolutionMedianSec: rsMed, resolutionP90Sec: rsP90,
    resolved, resolutionRate, reopenRate, slaCompliance: sla, slaByTarget: { firstResponse: slaFr, resolution: slaRs },
    csatAverage: csat, csatResponses: csatN, csatResponseRate: csatRate, complaints, complaintRate, followUps, followUpCompletion: followUpRate,
    calls, callsAnsweredWithin30s: fast,
    ...NO_WORK_ORDERS,
  };
}

/** This history has no work orders (tests/integration/workorders-kpi.test.ts counts those). */
const NO_WORK_ORDERS = { workOrders: 0, onSiteCompliance: null, firstVisitFixRate: null, revisitRate: null, engineers: 0, workOrdersPerEngineer: null };

/** RFC 4180 parsing, enough for the report (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

const csvValue = (v: unknown) => (v === null || v === undefined ? '' : String(v));
function asCsvRow(r: Row): Row {
  const { slaByTarget, ...rest } = r as Row & { slaByTarget: { firstResponse: unknown; resolution: unknown } };
  return { ...rest, slaFirstResponse: slaByTarget.firstResponse, slaResolution: slaByTarget.resolution };
}

describe('reports: the KPI summary', () => {
  const clock = new StepClock();
  let app: TestApp;
  let ids: Record<string, string>;
  const tickets: Record<string, number> = {};
  const ticketIds: Record<string, Types.ObjectId> = {};

  beforeAll(async () => {
    clock.set('2030-02-01T00:00:00Z'); // the demo organisation's tickets fall before the range
    app = await startTestApp({ clock, workers: false });
    const c = app.c;
    const agents = await c.models.Agent.find({}, { email: 1 }).lean();
    ids = Object.fromEntries(agents.map((a) => [a.email.split('@')[0], String(a._id)]));
    const manager = await app.as('manager@demo.local');
    const office = await manager.post('/api/calendars').send({ name: 'office', timeZone: 'UTC', weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '17:00' })) });
    expect(office.status).toBe(201);
    const a1 = await app.as('agent1@demo.local');
    const a2 = await app.as('agent2@demo.local');

    const create = async (name: string, when: string, t: { channel: 'email' | 'chat' | 'voice' | 'web'; team: string; type: 'inquiry' | 'fault' | 'complaint' | 'return' | 'warranty'; product?: { model: string; serial?: string }; subject?: string }) => {
      clock.set(when);
      const { ticket } = await c.tickets.create(
        { ...t, subject: t.subject ?? `${name}: ${t.type}`, customer: { name: `Customer ${name}`, email: `${name.toLowerCase()}@example.com` }, message: { channel: t.channel, body: `${name} asks`, author: { type: 'customer', name: `Customer ${name}` } } },
        SYSTEM,
      );
      tickets[name] = ticket.number;
      ticketIds[name] = ticket._id;
    };
    const reply = async (as: typeof a1, name: string, when: string) => {
      clock.set(when);
      expect((await as.post(`/api/tickets/${tickets[name]}/messages`).send({ body: 'On it' })).status).toBe(201);
    };
    const status = async (as: typeof a1, name: string, when: string, s: string) => {
      clock.set(when);
      expect((await as.patch(`/api/tickets/${tickets[name]}`).send({ status: s })).status).toBe(200);
    };

    await create('T0', '2030-03-03T12:00:00.000Z', { channel: 'email', team: 'support', type: 'inquiry' }); // before the range
    await create('T1', at(D1, '09:00'), { channel: 'email', team: 'support', type: 'inquiry' });
    await reply(a1, 'T1', at(D1, '09:30'));
    await status(a1, 'T1', at(D1, '11:00'), 'solved');
    await status(a1, 'T1', at(D1, '11:30'), 'closed');
    await create('T2', at(D1, '10:00'), { channel: 'email', team: 'support', type: 'complaint' });
    await reply(a1, 'T2', at(D1, '12:00'));
    await create('T3', at(D1, '12:00'), { channel: 'chat', team: 'tech', type: 'fault', product: { model: 'AC-3500', serial: 'S1' } });
    await reply(a1, 'T3', at(D1, '12:01'));
    await create('T6', at(D1, '16:00'), { channel: 'web', team: 'support', type: 'inquiry' });
    await create('T4', at(D2, '08:00'), { channel: 'voice', team: 'complaints', type: 'complaint' });
    await reply(a2, 'T4', at(D2, '08:10'));
    await status(a2, 'T4', at(D2, '09:00'), 'solved');
    await create('T5', at(D2, '09:00'), { channel: 'email', team: 'returns', type: 'return', product: { model: 'WM-800', serial: 'W1' } });
    clock.set(at(D2, '09:30'));
    await c.timeline.receiveFromCustomer(await c.tickets.byNumber(tickets.T4), { body: 'Still leaking', channel: 'voice' }, { type: 'customer', name: 'Customer T4' });
    await status(a2, 'T4', at(D2, '12:00'), 'solved');
    await status(a1, 'T2', at(D2, '10:00'), 'solved');
    await reply(a1, 'T6', at(D2, '10:00'));
    await status(a1, 'T6', at(D2, '16:30'), 'solved');
    await create('T7', '2030-03-06T00:00:00.000Z', { channel: 'email', team: 'support', type: 'complaint' }); // at `to`: outside

    // The SLA outcome of each target is written directly (the test pins the figures, whatever the
    // SLA engine's policies would say); an active target past due counts as breached.
    const sla = (fr: string, rs: string, calendar: string | null = null, due = '2030-03-04T20:00:00.000Z') => ({
      policy: 'test', calendar, escalationLevel: 0, escalations: [],
      firstResponse: { status: fr, dueAt: new Date(fr === 'active' ? '2030-04-01T00:00:00Z' : due) },
      resolution: { status: rs, dueAt: new Date(rs === 'active' && fr === 'active' ? '2030-04-01T00:00:00Z' : due) },
    });
    const pin: Record<string, { sla: unknown; assignee: string | null }> = {
      T1: { sla: sla('hit', 'hit'), assignee: ids.agent1 },
      T2: { sla: sla('breached', 'hit'), assignee: ids.agent1 },
      T3: { sla: sla('hit', 'active'), assignee: ids.agent1 },
      T4: { sla: sla('hit', 'breached'), assignee: ids.agent2 },
      T5: { sla: sla('active', 'active'), assignee: null },
      T6: { sla: sla('hit', 'hit', 'office'), assignee: ids.agent1 },
    };
    for (const [name, p] of Object.entries(pin)) {
      await c.models.Ticket.updateOne({ _id: ticketIds[name] }, { $set: { sla: p.sla, assigneeId: p.assignee ? new Types.ObjectId(p.assignee) : null } });
    }

    // Surveys, follow-ups and calls as their modules store them; what those modules did on their own
    // (a survey scheduled at each solve, say) is cleared first so the test owns every record.
    const db = c.conn;
    await db.collection('surveys').deleteMany({});
    await db.collection('callbacks').deleteMany({});
    await db.collection('calls').deleteMany({});
    const survey = (name: string, status: string, score: number | null, round = 1) => ({
      ticketId: ticketIds[name], ticketNumber: tickets[name], team: 'x', channel: 'email', customerId: new Types.ObjectId(), status, score, round,
      scheduledFor: new Date(at(D2, '18:00')), offeredAt: status === 'cancelled' ? null : new Date(at(D2, '18:00')), answeredAt: status === 'answered' ? new Date(at(D2, '19:00')) : null, dedupeKey: `s-${name}-${round}`,
    });
    await db.collection('surveys').insertMany([
      survey('T1', 'answered', 5), survey('T2', 'answered', 2), survey('T6', 'answered', 4),
      survey('T4', 'cancelled', null, 1), survey('T4', 'offered', null, 2),
      survey('T0', 'answered', 1), // a ticket outside the range
    ]);
    const followUp = (name: string, status: string, dueAt: string) => ({
      kind: 'follow_up', ticketId: ticketIds[name], ticketNumber: tickets[name], team: 'support', status, dueAt: new Date(dueAt), createdAt: new Date(at(D2, '17:00')), dedupeKey: `f-${name}`,
    });
    await db.collection('callbacks').insertMany([
      followUp('T1', 'done', at(D2, '11:00')), followUp('T2', 'failed', at(D2, '12:00')), followUp('T6', 'scheduled', at(D2, '12:00')),
      followUp('T4', 'scheduled', '2030-03-08T12:00:00.000Z'), // not yet due: not counted
      { ...followUp('T3', 'done', at(D2, '11:00')), kind: 'missed_call', dedupeKey: 'm-T3' }, // not a follow-up
    ]);
    const call = (callId: string, team: string, agent: string | null, startedAt: string, status: string, waitSec: number) => ({ callId, team, agentId: agent ? new Types.ObjectId(agent) : null, startedAt: new Date(startedAt), status, waitSec });
    await db.collection('calls').insertMany([
      call('C1', 'support', ids.agent1, at(D1, '09:00'), 'answered', 10),
      call('C2', 'complaints', ids.agent2, at(D2, '08:00'), 'answered', 45),
      call('C3', 'complaints', null, at(D2, '13:00'), 'missed', 60),
      call('C4', 'tech', ids.agent1, at(D1, '14:00'), 'answered', 30),
      call('C5', 'support', null, at(D2, '14:00'), 'ringing', 5), // still ringing: not counted
      call('C6', 'support', ids.agent1, '2030-03-06T00:00:00.000Z', 'answered', 5), // at `to`: outside
    ]);
    clock.set('2030-03-06T01:00:00.000Z'); // the report is read the morning after
  });
  afterAll(() => app.close());

  // Hand-computed, ticket by ticket (first response / resolution in seconds; T6 in business hours
  // of the Mon–Fri 09–17 calendar: 16:00→10:00 next day = 2 h, 16:00→16:30 next day = 8.5 h):
  //   T1 email support agent1 D1  fr 1800  rs 7200   closed          SLA hit/hit     csat 5  follow-up done
  //   T2 email support agent1 D1  fr 7200  rs 86400  solved complaint SLA breach/hit csat 2  follow-up failed
  //   T3 chat  tech    agent1 D1  fr 60    -         open            SLA hit/active past due (breach)
  //   T6 web   support agent1 D1  fr 7200  rs 30600  solved          SLA hit/hit     csat 4  follow-up overdue
  //   T4 voice complaints agent2 D2 fr 600 rs 14400 solved, reopened once, complaint, SLA hit/breach, survey offered not answered
  //   T5 email returns  none  D2  -        -         new             SLA active (not due)
  //   calls: C1 support agent1 D1 10 s; C4 tech agent1 D1 30 s; C2 complaints agent2 D2 45 s; C3 complaints missed D2
  //                 tickets frMed frP90 rsMed  rsP90 resolved resRate reopen  sla    slaFr  slaRs  csat  n  csatRate compl complRate fu fuRate calls fast
  const agent1Figures = [4, 4500, 7200, 30600, 86400, 3, 0.75, 0, 0.75, 0.75, 0.75, 3.67, 3, 1, 1, 0.25, 3, 0.3333, 2, 1];
  const totals = () => fig('total', 'total', [6, 1800, 7200, 22500, 86400, 4, 0.6667, 0.1667, 0.7, 0.8, 0.6, 3.67, 3, 0.75, 2, 0.3333, 3, 0.3333, 4, 0.5]);
  const expected: Record<string, () => Row[]> = {
    channel: () => [
      fig('chat', 'chat', [1, 60, 60, null, null, 0, 0, 0, 0.5, 1, 0, null, 0, null, 0, 0, 0, null, 0, null]),
      fig('email', 'email', [3, 4500, 7200, 46800, 86400, 2, 0.6667, 0, 0.75, 0.5, 1, 3.5, 2, 1, 1, 0.3333, 2, 0.5, 0, null]),
      fig('voice', 'voice', [1, 600, 600, 14400, 14400, 1, 1, 1, 0.5, 1, 0, null, 0, 0, 1, 1, 0, null, 4, 0.5]),
      fig('web', 'web', [1, 2 * H, 2 * H, 8.5 * H, 8.5 * H, 1, 1, 0, 1, 1, 1, 4, 1, 1, 0, 0, 1, 0, 0, null]),
    ],
    team: () => [
      fig('complaints', 'Customer relations (complaints)', [1, 600, 600, 14400, 14400, 1, 1, 1, 0.5, 1, 0, null, 0, 0, 1, 1, 0, null, 2, 0]),
      fig('returns', 'Returns and exchanges', [1, null, null, null, null, 0, 0, 0, null, null, null, null, 0, null, 0, 0, 0, null, 0, null]),
      fig('support', 'Customer support', [3, 7200, 7200, 30600, 86400, 3, 1, 0, 0.8333, 0.6667, 1, 3.67, 3, 1, 1, 0.3333, 3, 0.3333, 1, 1]),
      fig('tech', 'Technical support', [1, 60, 60, null, null, 0, 0, 0, 0.5, 1, 0, null, 0, null, 0, 0, 0, null, 1, 1]),
    ],
    agent: () => [
      fig(ids.agent1, 'Chen Jie (陈杰)', agent1Figures),
      fig(ids.agent2, 'Sarah Miller', [1, 600, 600, 14400, 14400, 1, 1, 1, 0.5, 1, 0, null, 0, 0, 1, 1, 0, null, 1, 0]),
      fig('unassigned', 'unassigned', [1, null, null, null, null, 0, 0, 0, null, null, null, null, 0, null, 0, 0, 0, null, 1, 0]),
    ],
    day: () => [
      fig(D1, D1, agent1Figures),
      fig(D2, D2, [2, 600, 600, 14400, 14400, 1, 0.5, 0.5, 0.5, 1, 0, null, 0, 0, 1, 0.5, 0, null, 2, 0]),
    ],
  };

  it.each(['channel', 'team', 'agent', 'day'])('groups by %s with every figure as computed by hand, in JSON', async (groupBy) => {
    const manager = await app.as('manager@demo.local');
    const res = await manager.get(`/api/reports/summary?${RANGE}&groupBy=${groupBy}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: '2030-03-04T00:00:00.000Z', to: '2030-03-06T00:00:00.000Z', groupBy });
    expect(res.body.groups).toEqual(expected[groupBy]());
    expect(res.body.totals).toEqual(totals());
  });

  it.each(['channel', 'team', 'agent', 'day'])('gives the same figures as CSV for %s', async (groupBy) => {
    const director = await app.as('director@demo.local');
    const res = await director.get(`/api/reports/summary?${RANGE}&groupBy=${groupBy}`).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(`summary-${groupBy}-2030-03-04-2030-03-06.csv`);
    const [header, ...rows] = parseCsv(res.text.replace(/^\uFEFF/, ''));
    expect(header.slice(0, 3)).toEqual(['key', 'label', 'tickets']);
    const want = [...expected[groupBy](), totals()].map(asCsvRow);
    expect(rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))).toEqual(want.map((w) => Object.fromEntries(header.map((h) => [h, csvValue(w[h])]))));
    expect(header).toEqual(expect.arrayContaining(['firstResponseMedianSec', 'resolutionMedianSec', 'slaCompliance', 'csatAverage', 'csatResponseRate', 'complaintRate', 'followUpCompletion', 'callsAnsweredWithin30s']));
  });

  it('limits a supervisor to their own teams and refuses agents', async () => {
    const sup = await app.as('supervisor@demo.local');
    const res = await sup.get(`/api/reports/summary?${RANGE}&groupBy=team`);
    expect(res.status).toBe(200);
    expect(res.body.groups.map((g: { key: string }) => g.key)).toEqual(['support', 'tech']);
    // support + tech are exactly agent1's tickets and calls
    expect(res.body.totals).toEqual(fig('total', 'total', agent1Figures));
    const one = await sup.get(`/api/reports/summary?${RANGE}&groupBy=channel&team=tech`);
    expect(one.body.groups.map((g: { key: string; tickets: number }) => [g.key, g.tickets])).toEqual([['chat', 1], ['voice', 0]]);
    expect((await sup.get(`/api/reports/summary?${RANGE}&team=complaints`)).status).toBe(403);
    const agent = await app.as('agent1@demo.local');
    const denied = await agent.get(`/api/reports/summary?${RANGE}`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    expect((await app.http().get(`/api/reports/summary?${RANGE}`)).status).toBe(401);
  });

  it('answers 400 to a bad query', async () => {
    const admin = await app.as('admin@demo.local');
    for (const q of [
      'to=2030-03-06', // no from
      'from=2030-03-06&to=2030-03-04', // backwards
      'from=2030-03-04&to=2030-03-04', // empty
      'from=2028-01-01&to=2030-03-01', // more than two years
      'from=yesterday&to=2030-03-06',
      'from=2030-02-30&to=2030-03-06',
      `${RANGE}&groupBy=week`,
      `${RANGE}&colour=red`,
    ]) {
      const res = await admin.get(`/api/reports/summary?${q}`);
      expect([q, res.status, res.body.error?.code]).toEqual([q, 400, 'validation_failed']);
    }
    expect((await admin.get('/api/reports/summary?from=2028-03-06&to=2030-03-06')).status).toBe(200); // exactly two years
    const withTime = await admin.get('/api/reports/summary?from=2030-03-04T08:00:00%2B08:00&to=2030-03-06T00:00:00Z&groupBy=day');
    expect(withTime.body.from).toBe('2030-03-04T00:00:00.000Z');
    expect(withTime.body.totals.tickets).toBe(6);
  });

  it('documents both reports in the OpenAPI document', async () => {
    const doc = (await app.http().get('/api/openapi.json')).body;
    const summary = doc.paths['/api/reports/summary'].get;
    expect(summary.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'groupBy', 'team']));
    expect(doc.paths['/api/reports/product-quality'].get.parameters.map((p: { name: string }) => p.name)).toContain('month');
  });

  it('reports recurring faults by product model for a month', async () => {
    const c = app.c;
    const create = async (when: string, team: string, type: 'fault' | 'warranty' | 'return' | 'complaint', subject: string, product?: { model: string; serial?: string }) => {
      clock.set(when);
      const { ticket } = await c.tickets.create({ channel: 'email', team, type, subject, product, customer: { name: 'R&D case', email: 'rd@example.com' } }, SYSTEM);
      return ticket.number;
    };
    await create('2030-02-20T10:00:00Z', 'tech', 'fault', 'AC-3500 E4 in February', { model: 'AC-3500', serial: 'S9' });
    const q1 = await create('2030-03-10T10:00:00Z', 'tech', 'fault', 'AC-3500 E4 again', { model: 'AC-3500', serial: 'S1' });
    const q2 = await create('2030-03-11T10:00:00Z', 'support', 'warranty', 'AC-3500 compressor under warranty', { model: 'AC-3500', serial: 'S2' });
    await create('2030-03-12T10:00:00Z', 'complaints', 'complaint', 'Rude engineer', { model: 'AC-3500', serial: 'S3' });
    await create('2030-03-13T10:00:00Z', 'returns', 'fault', 'Unknown device broken');
    await create('2030-04-01T00:00:00Z', 'tech', 'fault', 'AC-3500 in April', { model: 'AC-3500', serial: 'S1' });

    const manager = await app.as('manager@demo.local');
    const res = await manager.get('/api/reports/product-quality?month=2030-03');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ month: '2030-03', from: '2030-03-01T00:00:00.000Z', to: '2030-04-01T00:00:00.000Z', tickets: 5, withoutModel: 1, previousMonthTickets: 3 }); // February: ours and the demo's E4 fault and dishwasher return
    expect(res.body.models).toEqual([
      {
        // previousMonth: ours and the demo's E4 fault, whose ticket links Zhang's AC-3500 unit (the catalogue's model code)
        model: 'AC-3500', total: 3, fault: 2, warranty: 1, return: 0, units: 2, repeatUnits: [{ serial: 'S1', tickets: 2 }], recurring: true, previousMonth: 2,
        examples: [
          { number: q2, subject: 'AC-3500 compressor under warranty', type: 'warranty', serial: 'S2', createdAt: '2030-03-11T10:00:00.000Z' },
          { number: q1, subject: 'AC-3500 E4 again', type: 'fault', serial: 'S1', createdAt: '2030-03-10T10:00:00.000Z' },
          { number: tickets.T3, subject: 'T3: fault', type: 'fault', serial: 'S1', createdAt: '2030-03-04T12:00:00.000Z' },
        ],
      },
      {
        model: 'WM-800', total: 1, fault: 0, warranty: 0, return: 1, units: 1, repeatUnits: [], recurring: false, previousMonth: 0,
        examples: [{ number: tickets.T5, subject: 'T5: return', type: 'return', serial: 'W1', createdAt: '2030-03-05T09:00:00.000Z' }],
      },
    ]);

    const sup = await app.as('supervisor@demo.local');
    const own = await sup.get('/api/reports/product-quality?month=2030-03');
    expect(own.body.models.map((m: { model: string; total: number }) => [m.model, m.total])).toEqual([['AC-3500', 3]]);
    expect(own.body.withoutModel).toBe(0);
    expect((await manager.get('/api/reports/product-quality?month=2030-13')).status).toBe(400);
    expect((await manager.get('/api/reports/product-quality')).status).toBe(400);
    expect((await (await app.as('agent2@demo.local')).get('/api/reports/product-quality?month=2030-03')).status).toBe(403);
  });
});
