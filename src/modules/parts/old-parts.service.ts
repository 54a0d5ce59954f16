import type { Queues } from '../../infra/queues';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { Realtime } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import type { Principal } from '../auth/principal';
import type { WorkOrderDoc } from '../workorders/workorders.model';
import type { MoveDoc, OldPartDoc, OldPartFields, OldPartModel } from './parts.model';
import type { OldPartView } from './parts.schemas';
import { engineerOf } from './stock.service';

const DAY_MS = 24 * 3600_000;

export interface OldPartDeps {
  OldPart: OldPartModel;
  Agent: AgentModel;
  queues: Pick<Queues, 'schedule'>;
  realtime: Pick<Realtime, 'toAgents'>;
  outbox: Pick<MailOutbox, 'send'>;
  returnDays: number;
  publicUrl: string;
  clock: Clock;
  log: Logger;
}

export const reminderJobId = (id: string) => `oldpart-due-${id.replace(/[^\w-]/g, '_')}`;

/**
 * Old parts (旧件): every defective part taken out on a report is expected back at
 * central/defective within OLD_PART_RETURN_DAYS. The line is the truth; a delayed job with a
 * deterministic id wakes the reminder at the due time, and the sweeper reminds any line whose job
 * was lost. A `return_defective` move closes the line.
 */
export class OldPartService {
  constructor(private readonly d: OldPartDeps) {}

  /** A line per report line (its id is the report's ref and line: a retried report expects once). */
  async expect(wo: WorkOrderDoc, line: { id: string; sku: string; qty: number; defectiveSerial: string | null }): Promise<void> {
    const now = this.d.clock.now();
    const dueAt = new Date(now.getTime() + this.d.returnDays * DAY_MS);
    const warranty = wo.warranty as { model?: string } | null;
    const fields: Omit<OldPartFields, '_id'> = {
      sku: line.sku,
      model: warranty?.model ?? null,
      qty: line.qty,
      defectiveSerial: line.defectiveSerial,
      workOrderId: wo._id,
      workOrderNumber: wo.number,
      ticketNumber: wo.ticketNumber,
      team: wo.team,
      engineerId: wo.engineerId ? String(wo.engineerId) : null,
      takenAt: now,
      dueAt,
      status: 'outstanding',
      returnedAt: null,
      returnRef: null,
      remindedAt: null,
    };
    const res = await this.d.OldPart.updateOne({ _id: line.id }, { $setOnInsert: fields }, { upsert: true });
    if (res.upsertedCount) await this.schedule(line.id, dueAt);
  }

  private async schedule(id: string, dueAt: Date): Promise<void> {
    await this.d.queues.schedule('parts', 'oldpart-due', { id }, { jobId: reminderJobId(id), delay: Math.max(0, dueAt.getTime() - this.d.clock.now().getTime()), removeOnComplete: true });
  }

  /** A `return_defective` move arrived at the store: it closes its line (named, or the oldest outstanding one of the sku and engineer). */
  async received(move: MoveDoc): Promise<OldPartDoc | null> {
    if (move.reason !== 'return_defective') return null;
    const done = await this.d.OldPart.findOne({ returnRef: move.ref });
    if (done) return done;
    const engineer = move.from?.location ? engineerOf(move.from.location) : null;
    const filter: Record<string, unknown> = move.oldPartId ? { _id: move.oldPartId } : { sku: move.sku, ...(engineer ? { engineerId: engineer } : {}) };
    for (let attempt = 0; attempt < 5; attempt++) {
      const line = await this.d.OldPart.findOne({ ...filter, status: 'outstanding' }).sort({ takenAt: 1 });
      if (!line) return null;
      const closed = await this.d.OldPart.findOneAndUpdate({ _id: line._id, status: 'outstanding' }, { $set: { status: 'returned', returnedAt: this.d.clock.now(), returnRef: move.ref } }, { new: true });
      if (closed) return closed;
    }
    return null;
  }

  async list(p: Principal, f: { status?: 'outstanding' | 'returned' | 'overdue'; engineer?: string; limit: number }): Promise<OldPartDoc[]> {
    const q: Record<string, unknown> = {};
    if (f.status === 'returned') q.status = 'returned';
    else if (f.status) q.status = 'outstanding';
    if (f.status === 'overdue') q.dueAt = { $lte: this.d.clock.now() };
    if (p.role === 'engineer') q.engineerId = p.id;
    else if (f.engineer) q.engineerId = f.engineer;
    if (!p.seesAllTeams && p.role !== 'engineer') q.team = { $in: [...p.teams] };
    return this.d.OldPart.find(q).sort({ dueAt: 1, _id: 1 }).limit(f.limit);
  }

  /** The timer's job (and the sweeper): reminds the engineer and the team's supervisors of an overdue line, once. */
  async remind(id: string): Promise<boolean> {
    const line = await this.d.OldPart.findById(id);
    const now = this.d.clock.now();
    if (!line || line.status !== 'outstanding' || line.remindedAt || line.dueAt > now) return false;
    const supervisors = await this.d.Agent.find({ role: 'supervisor', teams: line.team, active: true }, { email: 1, name: 1, locale: 1 }).lean();
    const engineer = line.engineerId ? await this.d.Agent.findById(line.engineerId, { email: 1, name: 1, locale: 1 }).lean() : null;
    const to = [...(engineer ? [engineer] : []), ...supervisors];
    const data = { sku: line.sku, qty: line.qty, workOrderNumber: line.workOrderNumber, ticketNumber: line.ticketNumber, engineerName: engineer?.name ?? '', dueAt: line.dueAt.toISOString(), url: `${this.d.publicUrl}/console#/parts/old` };
    // mails first, each with a deterministic id, so a retry after a crash sends none twice
    for (const a of to) await this.d.outbox.send({ to: a.email, template: 'oldpart-overdue', locale: a.locale === 'zh-CN' ? 'zh-CN' : 'en', data: { ...data, name: a.name } }, `oldpart-remind-${reminderJobId(id)}-${a._id}`);
    this.d.realtime.toAgents(to.map((a) => String(a._id)), 'oldpart:overdue', { id, sku: line.sku, qty: line.qty, workOrderNumber: line.workOrderNumber, engineerId: line.engineerId, dueAt: line.dueAt.toISOString() });
    await this.d.OldPart.updateOne({ _id: id, remindedAt: null }, { $set: { remindedAt: now } });
    this.d.log.info({ oldPart: id, workOrder: line.workOrderNumber, notified: to.length }, 'old part overdue: reminded');
    return true;
  }

  /** Reminds every overdue line no timer reminded (Redis lost, a deploy mid-flight). */
  async sweep(limit = 200): Promise<number> {
    const due = await this.d.OldPart.find({ status: 'outstanding', remindedAt: null, dueAt: { $lte: this.d.clock.now() } }, { _id: 1 }).limit(limit).lean();
    let n = 0;
    for (const l of due) if (await this.remind(l._id)) n++;
    return n;
  }

  serialize(l: OldPartDoc): OldPartView {
    const overdue = l.status === 'outstanding' && l.dueAt <= this.d.clock.now();
    return {
      id: l._id,
      sku: l.sku,
      model: l.model ?? null,
      qty: l.qty,
      defectiveSerial: l.defectiveSerial ?? null,
      workOrder: { id: String(l.workOrderId), number: l.workOrderNumber },
      ticketNumber: l.ticketNumber ?? null,
      engineerId: l.engineerId ?? null,
      takenAt: l.takenAt.toISOString(),
      dueAt: l.dueAt.toISOString(),
      status: overdue ? 'overdue' : l.status,
      returnedAt: l.returnedAt ? l.returnedAt.toISOString() : null,
    };
  }

  /** Defective parts taken out in a range, by model and part: the product-quality report's view of 旧件. */
  async byModel(from: Date, to: Date, teams: readonly string[] | undefined): Promise<{ total: number; models: { model: string; total: number; parts: { sku: string; count: number }[] }[] }> {
    const match: Record<string, unknown> = { takenAt: { $gte: from, $lt: to } };
    if (teams) match.team = { $in: [...teams] };
    const rows = await this.d.OldPart.aggregate<{ _id: { model: string | null; sku: string }; n: number }>([{ $match: match }, { $group: { _id: { model: '$model', sku: '$sku' }, n: { $sum: '$qty' } } }]).exec();
    const byModel = new Map<string, { model: string; total: number; parts: { sku: string; count: number }[] }>();
    for (const r of rows) {
      const model = r._id.model ?? 'unknown';
      const m = byModel.get(model) ?? { model, total: 0, parts: [] };
      m.total += r.n;
      m.parts.push({ sku: r._id.sku, count: r.n });
      byModel.set(model, m);
    }
    const models = [...byModel.values()].map((m) => ({ ...m, parts: m.parts.sort((a, b) => b.count - a.count || a.sku.localeCompare(b.sku)) })).sort((a, b) => b.total - a.total || a.model.localeCompare(b.model));
    return { total: models.reduce((n, m) => n + m.total, 0), models };
  }
}
