import type { Principal } from '../auth/principal';
import { canWork } from './return.access';
import { nextSteps } from './return.machine';
import { formatReturnNumber, type ReturnDoc, type ReturnEvent } from './return.model';
import type { ReturnView } from './return.schemas';

export function serializeEvent(e: ReturnEvent) {
  return { id: e.id, type: e.type, from: e.from ?? null, to: e.to, note: e.note ?? null, data: e.data ?? {}, by: { id: e.by?.id ?? null, name: e.by?.name ?? '' }, at: new Date(e.at).toISOString(), clientId: e.clientId ?? null };
}

export function serializeReturn(r: ReturnDoc, reader: Principal): ReturnView {
  const id = String(r._id);
  return {
    id,
    number: formatReturnNumber(r.number),
    ticketNumber: r.ticketNumber,
    team: r.team,
    ticketTeam: r.ticketTeam,
    unitId: String(r.unitId),
    customerId: String(r.customerId),
    model: r.model,
    serial: r.serial,
    kind: r.kind,
    reason: r.reason,
    reasonCode: r.reasonCode,
    status: r.status,
    warranty: { status: r.warranty.status, entitlement: [...r.warranty.entitlement], reasonCode: r.warranty.reasonCode, days: r.warranty.days ?? null },
    override: r.override ? { reason: r.override.reason, by: { id: r.override.by.id, name: r.override.by.name }, at: r.override.at.toISOString() } : null,
    outcome: r.outcome
      ? { type: r.outcome.type, amount: r.outcome.amount ?? null, currency: r.outcome.currency ?? null, newSerial: r.outcome.newSerial ?? null, newUnitId: r.outcome.newUnitId ? String(r.outcome.newUnitId) : null, note: r.outcome.note ?? null }
      : null,
    attachments: r.attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, url: `/api/returns/${id}/attachments/${a.id}`, by: { id: a.by.id, name: a.by.name }, at: a.at.toISOString() })),
    events: r.events.map(serializeEvent),
    nextSteps: canWork(r, reader) ? nextSteps(r.status, r.kind) : [],
    createdBy: { id: r.createdBy?.id ?? null, name: r.createdBy?.name ?? '' },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
