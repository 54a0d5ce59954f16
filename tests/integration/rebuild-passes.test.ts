import { CommandRecorder } from '../../src/infra/command-monitor';
import { QueueRebuild } from '../../src/modules/tickets/queue-rebuild';
import { SYSTEM } from '../../src/core/types';
import { startTestApp, TestApp } from '../helpers/harness';

/**
 * The repairs that rebuild a Redis structure from MongoDB (the ticket search index, the live queue),
 * and the recompute of live deadlines after an SLA policy edit, scan each collection once, whatever
 * its size: on mongo-java-server every query over a filter scans and sorts the whole collection, so
 * a pass paged by `_id` ranges cost (pages × collection) — minutes at 50 000 tickets — where one
 * query costs one scan. The rebuilds' scan reads the `_id`s alone and the documents follow by `_id`
 * in slices of the batch size: mongo-java-server keeps everything a query matched in its heap until
 * the cursor is read to the end, so one query for the documents held every message body at once.
 */
describe('a rebuild reads each collection once', () => {
  let app: TestApp;
  let rec: CommandRecorder;
  const words = 'compressor rattles loudly';

  beforeAll(async () => {
    app = await startTestApp({ workers: false, monitorCommands: true });
    rec = new CommandRecorder(app.c.conn);
    for (let i = 0; i < 9; i++) {
      await app.c.tickets.create({ channel: 'email', subject: `Fridge ${i}: ${words}`, team: 'support', customer: { name: `C${i}`, email: `c${i}@example.com` }, message: { channel: 'email', body: `The ${words} at night (${i}).`, author: { type: 'customer', name: `C${i}` } } }, SYSTEM);
    }
  });
  afterAll(async () => {
    rec.stop();
    await app.close();
  });

  const finds = (collection: string) => rec.commands.filter((c) => c.name === 'find' && c.collection === collection);
  /** The finds on `collection` since the last reset, with their projections (the recorder keeps filters only). */
  const projected: { collection: string; filter: Record<string, unknown>; projection?: Record<string, unknown> }[] = [];
  const onFind = (e: { commandName: string; command: Record<string, any> }) => {
    if (e.commandName === 'find') projected.push({ collection: e.command.find, filter: e.command.filter ?? {}, projection: e.command.projection });
  };
  /** One scan of `collection`, for its `_id`s alone; every other read of it by `_id`, at most `size` at a time; answers those. */
  const expectIdPass = (collection: string, size: number) => {
    const scans = rec.scans().filter((c) => c.collection === collection);
    expect(scans).toHaveLength(1);
    const all = projected.filter((f) => f.collection === collection);
    const scan = all.filter((f) => !('_id' in f.filter));
    expect(scan).toHaveLength(1);
    expect(scan[0].projection).toEqual({ _id: 1 });
    const slices = all.filter((f) => '_id' in f.filter).map((f) => (f.filter._id as { $in: unknown[] }).$in);
    for (const ids of slices) {
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(size);
    }
    return slices;
  };
  const recording = async <T>(fn: () => Promise<T>): Promise<T> => {
    rec.reset();
    projected.length = 0;
    app.c.conn.getClient().on('commandStarted', onFind as never);
    rec.start();
    try {
      return await fn();
    } finally {
      rec.stop();
      app.c.conn.getClient().off('commandStarted', onFind as never);
    }
  };

  it('the ticket search index: one scan of the tickets and one of the messages for their ids, the documents by _id two at a time', async () => {
    const search = app.c.modules.find((m) => m.name === 'search') as unknown as { tickets: { rebuild(T: unknown, M: unknown, batch: number): Promise<{ tickets: number; messages: number }> } };
    const r = await recording(() => search.tickets.rebuild(app.c.models.Ticket, app.c.models.Message, 2));
    expect(r.tickets).toBeGreaterThanOrEqual(9);
    expect(r.messages).toBeGreaterThanOrEqual(9);
    expect(expectIdPass('tickets', 2).flat()).toHaveLength(r.tickets);
    expect(expectIdPass('messages', 2).flat()).toHaveLength(r.messages);
    const a1 = await app.as('agent1@demo.local');
    const hits = await a1.get(`/api/tickets?q=${encodeURIComponent(words)}&limit=50`);
    expect(hits.status).toBe(200);
    expect(hits.body.tickets.filter((t: { subject: string }) => t.subject.includes(words))).toHaveLength(9);
  });

  it('an SLA policy edit: one query for the live tickets on the policy, each ticket recomputed', async () => {
    const { Ticket } = app.c.models;
    const ours = await Ticket.find({ subject: new RegExp(words) }, { 'sla.policyId': 1 }).lean();
    const policyId = String(ours[0].sla!.policyId);
    const onIt = await Ticket.countDocuments({ 'sla.policyId': policyId, status: { $in: ['new', 'open', 'pending', 'on_hold'] } });
    const sla = (app.c.modules.find((m) => m.name === 'sla') as unknown as { sla: { recompute(f: { policyId: string }): Promise<number> } }).sla;
    rec.reset();
    rec.start();
    const n = await sla.recompute({ policyId });
    rec.stop();
    expect(n).toBe(onIt);
    expect(n).toBeGreaterThanOrEqual(9);
    expect(finds('tickets').filter((c) => c.filters.some((f) => 'sla.policyId' in f))).toHaveLength(1);
  });

  it('the live queue: one query for the live tickets, batches of 2, every ticket put back', async () => {
    const { Ticket, Agent, Customer } = app.c.models;
    const live = await Ticket.find({ subject: new RegExp(words) }, { _id: 1 }).lean();
    for (const t of live) await app.c.queueIndex.remove(String(t._id)); // lost: Redis restarted without its data
    const r = await recording(() => new QueueRebuild({ Ticket, Agent, Customer, index: app.c.queueIndex, batch: 2 }).run());
    expect(r.written).toBe(9);
    expect(finds('tickets').filter((c) => c.filters.some((f) => 'status' in f))).toHaveLength(1);
    // the live tickets' ids in the one scan, then every live ticket read by _id, two at a time
    const slices = expectIdPass('tickets', 2);
    expect(new Set(slices.flat().map(String)).size).toBeGreaterThanOrEqual(r.live);
    const a1 = await app.as('agent1@demo.local');
    const queue = await a1.get('/api/queue?team=support&limit=200');
    expect(queue.body.items.filter((i: { subject: string }) => i.subject.includes(words))).toHaveLength(9);
  });
});
