import type { AgentModel } from '../agents/agent.model';
import type { OnSiteSla } from './onsite-sla';
import { stepsFrom, WoStatus } from './workorder-state';
import type { WorkOrderDoc } from './workorders.model';

export type EngineerNames = Map<string, { id: string; name: string; phone: string | null }>;

/** The engineers a set of work orders names, in one query. */
export async function engineerNames(list: WorkOrderDoc[], Agent: AgentModel): Promise<EngineerNames> {
  const ids = [...new Set(list.map((w) => w.engineerId).filter(Boolean).map(String))];
  if (!ids.length) return new Map();
  const agents = await Agent.find({ _id: { $in: ids } }, { name: 1, phone: 1 }).lean();
  return new Map(agents.map((a) => [String(a._id), { id: String(a._id), name: a.name, phone: a.phone ?? null }]));
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function serializeOnSite(sla: OnSiteSla | null | undefined) {
  const t = sla?.onSite;
  return {
    onSite: t ? { dueAt: iso(t.dueAt), status: t.status } : null,
    escalationLevel: sla?.escalationLevel ?? 0,
    emergency: sla?.emergency ?? false,
    pausedUntil: iso(sla?.pausedUntil),
  };
}

/** The contract's work order shape, plus what the console and the phone need. */
export function serializeWorkOrder(w: WorkOrderDoc, names: EngineerNames) {
  const engineer = w.engineerId ? (names.get(String(w.engineerId)) ?? { id: String(w.engineerId), name: '', phone: null }) : null;
  return {
    id: String(w._id),
    number: w.number,
    ticketNumber: w.ticketNumber,
    kind: w.kind,
    status: w.status as WoStatus,
    team: w.team,
    engineer,
    window: w.window?.start ? { start: iso(w.window.start)!, end: iso(w.window.end)! } : null,
    address: w.address,
    description: w.description,
    contact: { name: w.contact?.name ?? '', phone: w.contact?.phone ?? null, locale: w.contact?.locale ?? 'en' },
    emergency: w.emergency,
    unitId: w.unitId ?? null,
    warranty: w.warranty ?? null,
    payment: { required: !!w.payment?.required, ...(w.payment?.quoteId ? { quoteId: w.payment.quoteId } : {}), status: w.payment?.status ?? 'none', ...(w.payment?.quoteStatus && w.payment.status === 'awaiting' ? { quoteStatus: w.payment.quoteStatus } : {}) },
    sla: serializeOnSite(w.sla as OnSiteSla | null),
    outcome: w.outcome?.reason ? { reason: w.outcome.reason, note: w.outcome.note ?? null } : null,
    visit: w.visit,
    revisitOf: w.revisitOf ? String(w.revisitOf) : null,
    report: w.report?.version ? { version: w.report.version, filedAt: iso(w.report.filedAt) } : null,
    photos: (w.photos ?? []).map((p) => ({ id: p.id, filename: p.filename, contentType: p.contentType, size: p.size })),
    /** the steps that may follow now (the phone's buttons) */
    next: stepsFrom(w.status as WoStatus),
    events: (w.events ?? []).map((e) => ({
      type: e.type,
      at: iso(e.at),
      by: { id: e.by?.id ?? null, name: e.by?.name ?? '' },
      ...(e.from ? { from: e.from, to: e.to } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.clientId ? { clientId: e.clientId } : {}),
    })),
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
}

export type WorkOrderView = ReturnType<typeof serializeWorkOrder>;
