import type { Types } from 'mongoose';
import type { Container } from '../main/container';
import { SYSTEM } from '../core/types';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** tickets created at once: the seed must stay well under two seconds, it runs on every fresh start */
const PARALLEL = 6;

type Input = Parameters<Container['tickets']['create']>[0];

/** A small deterministic generator, so every fresh demo shows the same charts. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const CUSTOMERS = [
  { name: '王芳', email: 'wang.fang@example.cn', locale: 'zh-CN' as const },
  { name: 'Lars Holm', email: 'lars.holm@example.se' },
  { name: '陈静', phone: '+86 139 0000 2211', locale: 'zh-CN' as const },
  { name: 'Maria Rossi', email: 'maria.rossi@example.it' },
  { name: '李强', email: 'li.qiang@example.cn', locale: 'zh-CN' as const },
  { name: 'Peter Novak', phone: '+420 601 555 010' },
];
const CASES: { type: Input['type']; team: string; subject: string; model?: string }[] = [
  { type: 'fault', team: 'tech', subject: 'AC-3500 shows E4 and stops cooling', model: 'AC-3500 空调' },
  { type: 'fault', team: 'tech', subject: '空调外机噪音很大', model: 'AC-3500 空调' },
  { type: 'fault', team: 'tech', subject: 'Washer does not drain (error F21)', model: 'WM-800 Washer' },
  { type: 'warranty', team: 'tech', subject: 'Dryer drum noise, still under warranty', model: 'TD-200 Dryer' },
  { type: 'fault', team: 'tech', subject: '洗碗机不加热', model: 'DW-450 洗碗机' },
  { type: 'return', team: 'returns', subject: 'Dishwasher delivered with a dent', model: 'DW-450 洗碗机' },
  { type: 'return', team: 'returns', subject: '申请换货：门封条破损', model: 'WM-800 Washer' },
  { type: 'complaint', team: 'complaints', subject: 'Engineer missed the appointment twice' },
  { type: 'complaint', team: 'complaints', subject: '维修等待时间太长' },
  { type: 'inquiry', team: 'support', subject: 'How do I descale the washer?' },
  { type: 'inquiry', team: 'support', subject: '如何注册延保服务？' },
  { type: 'inquiry', team: 'support', subject: 'Opening hours of the service centre' },
];
const CHANNELS: Input['channel'][] = ['email', 'email', 'chat', 'voice', 'web'];

/**
 * Thirty days of solved tickets, surveys, follow-up calls and hotline calls, so the demo's report charts are not
 * empty. Tickets are created through the service (numbers, customers, SLA policy), then their
 * timestamps are moved into the past: the history is a picture of the past, not live work, so
 * every ticket is solved and no SLA timer is left to act on it.
 */
export async function seedDemoHistory(c: Container, count = 30): Promise<void> {
  const rnd = lcg(20240601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const now = c.clock.now().getTime();
  const agents = new Map((await c.models.Agent.find({}, { email: 1 }).lean()).map((a) => [a.email, a._id as Types.ObjectId]));
  const Survey = c.conn.models.Survey;
  const Call = c.conn.models.Call;
  const surveys: Record<string, unknown>[] = [];
  const calls: Record<string, unknown>[] = [];
  const Callback = c.conn.models.Callback;
  const followUps: Record<string, unknown>[] = [];

  // all random draws of a ticket happen before its first await, so the pool below keeps them in order
  const one = async (i: number) => {
    const k = CASES[i % CASES.length];
    const who = CUSTOMERS[i % CUSTOMERS.length];
    const channel = pick(CHANNELS);
    // spread over the last 30 days, office hours (UTC)
    const daysAgo = Math.floor(rnd() * 29) + 1;
    const createdAt = new Date(Math.floor((now - daysAgo * DAY) / DAY) * DAY + (1 + Math.floor(rnd() * 9)) * HOUR + Math.floor(rnd() * 60) * MIN);
    const frMs = (5 + Math.floor(rnd() * rnd() * 600)) * MIN;
    const solveMs = frMs + (1 + Math.floor(rnd() * 60)) * HOUR;
    const survey = channel !== 'voice' && rnd() < 0.8 ? { answered: rnd() < 0.7, score: k.type === 'complaint' ? 2 + Math.floor(rnd() * 2) : 3 + Math.floor(rnd() * 3) } : null;
    const waitSec = 5 + Math.floor(rnd() * 70);
    const followUp = k.type === 'complaint' || rnd() < 0.2 ? { done: rnd() < 0.75 } : null;
    const assignee = agents.get(k.team === 'complaints' || k.team === 'returns' ? 'agent2@demo.local' : i % 5 === 0 ? 'supervisor@demo.local' : 'agent1@demo.local') ?? null;
    const { ticket } = await c.tickets.create(
      {
        channel,
        subject: k.subject,
        team: k.team,
        type: k.type,
        priority: k.type === 'complaint' ? 'high' : 'normal',
        customer: who,
        assigneeId: assignee ? String(assignee) : undefined,
        product: k.model ? { model: k.model, serial: `${k.model.slice(0, 2)}-${1000 + (i % 7)}` } : undefined,
        message: { channel, body: k.subject, author: { type: 'customer', name: who.name } },
        dedupeKey: `demo-history:${i}`,
      },
      SYSTEM,
    );
    const firstResponseAt = new Date(createdAt.getTime() + frMs);
    const solvedAt = new Date(Math.min(createdAt.getTime() + solveMs, now - HOUR));
    const set: Record<string, unknown> = {
      createdAt,
      updatedAt: solvedAt,
      firstResponseAt,
      lastAgentReplyAt: firstResponseAt,
      lastCustomerMessageAt: createdAt,
      lastMessageAt: firstResponseAt,
      solvedAt,
      status: solvedAt.getTime() < now - 7 * DAY ? 'closed' : 'solved',
      reopenCount: i % 9 === 4 ? 1 : 0,
      // its observers ran at the create above; nothing of the past is left for the effects sweeper to
      // re-drive (a re-drive would put the solved ticket back into the live queue)
      effects: [],
    };
    if (ticket.sla) {
      Object.assign(set, {
        'sla.firstResponse.status': frMs <= 4 * HOUR ? 'hit' : 'breached',
        'sla.firstResponse.completedAt': firstResponseAt,
        'sla.resolution.status': solveMs <= 48 * HOUR ? 'hit' : 'breached',
        'sla.resolution.completedAt': solvedAt,
        'sla.nextCheckAt': null,
        'sla.nextEscalation': null,
      });
    }
    // through the driver: mongoose treats createdAt as immutable and would drop it from the update
    await c.models.Ticket.collection.updateOne({ _id: ticket._id }, { $set: set });
    await c.models.Message.collection.updateMany({ ticketId: ticket._id }, { $set: { createdAt } });
    await c.queueIndex.remove(String(ticket._id)); // solved: out of the live queue and the agents' load

    if (Survey && survey) {
      const offeredAt = new Date(solvedAt.getTime() + HOUR);
      surveys.push({
        ticketId: ticket._id, ticketNumber: ticket.number, team: k.team, agentId: assignee, channel, customerId: ticket.customerId,
        status: survey.answered ? 'answered' : offeredAt.getTime() < now - 3 * DAY ? 'expired' : 'offered',
        offeredVia: channel === 'chat' ? 'chat' : 'email', scheduledFor: offeredAt, offeredAt,
        answeredAt: survey.answered ? new Date(offeredAt.getTime() + 2 * HOUR) : null,
        score: survey.answered ? survey.score : null,
        round: 1, handledAt: survey.answered ? offeredAt : null, dedupeKey: `demo-history:survey:${i}`,
      });
    }
    if (Callback && followUp) {
      // the 回访 call a day after the solve: done, or given up after no answer
      const dueAt = new Date(Math.min(solvedAt.getTime() + DAY, now - HOUR));
      followUps.push({
        kind: 'follow_up', ticketId: ticket._id, ticketNumber: ticket.number, team: k.team, assigneeId: assignee, phone: who.phone ?? null, dueAt,
        status: followUp.done ? 'done' : 'failed', outcome: followUp.done ? 'reached' : 'no_answer', satisfied: followUp.done ? k.type !== 'complaint' : null,
        completedAt: dueAt, attempts: [{ at: dueAt, agentId: assignee, outcome: followUp.done ? 'reached' : 'no_answer' }], dedupeKey: `demo-history:follow-up:${i}`,
      });
    }
    if (Call && channel === 'voice') {
      calls.push({
        callId: `demo-history-${i}`, ticketId: ticket._id, team: k.team, agentId: assignee, from: who.phone ?? '+44 20 7946 0000',
        startedAt: createdAt, answeredAt: new Date(createdAt.getTime() + waitSec * 1000), endedAt: new Date(createdAt.getTime() + (waitSec + 240) * 1000),
        waitSec, durationSec: 240, status: 'answered',
      });
    }
  };
  // customers first (one by one: they are shared), then the tickets a few at a time
  for (const who of CUSTOMERS) await c.customers.findOrCreate(who);
  const next = [...Array(count).keys()];
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let i = next.shift(); i !== undefined; i = next.shift()) await one(i);
  }));
  if (surveys.length) await Survey!.insertMany(surveys);
  // callers who gave up in the queue: no ticket, but they count against "answered within 30 s"
  for (const [d, team] of [[3, 'support'], [11, 'tech'], [19, 'support']] as const) {
    const startedAt = new Date(Math.floor((now - d * DAY) / DAY) * DAY + 10 * HOUR);
    calls.push({ callId: `demo-history-abandoned-${d}`, team, from: '+44 20 7946 0999', startedAt, endedAt: new Date(startedAt.getTime() + 95_000), waitSec: 95, status: 'abandoned' });
  }
  if (Call) await Call.insertMany(calls);
  if (followUps.length) await Callback!.insertMany(followUps);
}
