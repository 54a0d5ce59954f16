import { Types } from 'mongoose';
import type { TicketDoc, TicketFields } from '../tickets/ticket.model';
import type { SlaPolicyDoc } from './sla-policy.model';
import type { PolicyLike, SlaState, TargetState } from './sla-state';

/**
 * What the SLA's writes and its escalations' events need of a ticket: its id, number, subject,
 * team, assignee and status (a hydrated ticket, or the evaluation's lean read of these fields).
 */
export type SlaTicket = Pick<TicketFields, 'number' | 'subject' | 'team' | 'assigneeId' | 'status'> & { _id: Types.ObjectId };

/** The fields the timers' evaluation reads of a ticket (projection): the SLA and what an escalation's event and recipients need. */
export const EVALUATION_FIELDS = { _id: 1, number: 1, subject: 1, team: 1, assigneeId: 1, status: 1, sla: 1 } as const;

const TARGET_FIELDS = ['status', 'targetMs', 'elapsedMs', 'startedAt', 'dueAt', 'warnAt', 'warnedAt', 'breachedAt', 'completedAt'] as const;

/** A stored SLA (plain data: a lean read, or a document's toObject) with every field present (null when unset). */
export function slaOf(raw: Record<string, any> | null | undefined): SlaState | null {
  if (!raw || !raw.policyId) return null;
  const target = (t: Record<string, unknown> | null | undefined): TargetState | null =>
    t && t.status ? (Object.fromEntries(TARGET_FIELDS.map((f) => [f, t[f] ?? (f === 'targetMs' || f === 'elapsedMs' ? 0 : null)])) as unknown as TargetState) : null;
  return {
    policyId: raw.policyId,
    policy: raw.policy ?? '',
    calendar: raw.calendar ?? null,
    firstResponse: target(raw.firstResponse),
    nextResponse: target(raw.nextResponse),
    resolution: target(raw.resolution),
    escalationLevel: raw.escalationLevel ?? 0,
    escalations: raw.escalations ?? [],
    pausedAt: raw.pausedAt ?? null,
    nextEscalation: raw.nextEscalation?.at ? { level: raw.nextEscalation.level, at: raw.nextEscalation.at } : null,
    nextCheckAt: raw.nextCheckAt ?? null,
    lastEscalationAt: raw.lastEscalationAt ?? null,
    rev: raw.rev ?? 0,
  };
}

/** The stored SLA of a ticket as plain data with every field present (null when unset). */
export function plainSla(ticket: TicketDoc): SlaState | null {
  return slaOf((ticket.toObject({ depopulate: true }) as { sla?: Record<string, any> | null }).sla);
}

/** Sorted-key JSON: two states compare equal whatever order their keys were built in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === 'object' && !Array.isArray(val) && !(val instanceof Date) && !(val instanceof Types.ObjectId)
      ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1)))
      : val,
  );
}

/** Two SLA states alike but for their revision and next check (a write of the second would change nothing). */
export const sameState = (a: SlaState | null, b: SlaState | null) => canonical(a && { ...a, rev: 0, nextCheckAt: null }) === canonical(b && { ...b, rev: 0, nextCheckAt: null });

export const policyLike = (p: SlaPolicyDoc): PolicyLike => ({ id: String(p._id), name: p.name, calendar: p.calendar ?? null, targets: { firstResponse: p.targets?.firstResponse, nextResponse: p.targets?.nextResponse, resolution: p.targets?.resolution } });
