import type { Clock } from '../../infra/clock';
import type { Realtime } from '../../realtime/realtime';
import { NotFoundError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { TicketModel } from '../tickets/ticket.model';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import { plainSla } from './sla-plain';
import type { SlaService } from './sla.service';
import type { Escalation } from './sla-state';

export function serializeEscalation(e: Escalation, ticket: { number: number; subject: string; team: string }) {
  return {
    id: String(e._id),
    ticketNumber: ticket.number,
    subject: ticket.subject,
    team: ticket.team,
    target: e.target,
    kind: e.kind,
    level: e.level,
    at: new Date(e.at).toISOString(),
    dueAt: e.dueAt ? new Date(e.dueAt).toISOString() : null,
    reason: e.reason ?? null,
    notified: e.notified ?? [],
    acknowledgedBy: e.acknowledgedBy ?? null,
    acknowledgedAt: e.acknowledgedAt ? new Date(e.acknowledgedAt).toISOString() : null,
  };
}

/** The escalation history of tickets: the dashboard feed and a supervisor's acknowledgement. */
export interface EscalationServiceDeps {
  Ticket: TicketModel;
  tickets: Pick<TicketService, 'visible'>;
  sla: Pick<SlaService, 'mutate'>;
  realtime: Realtime;
  clock: Clock;
  timeline?: Pick<TicketMessages, 'addEvent'>;
}

export class EscalationService {
  constructor(private readonly d: EscalationServiceDeps) {}

  /** Recent escalations of the teams the principal sees, newest first. */
  async recent(principal: Principal, opts: { team?: string; limit: number; unacknowledged?: boolean }) {
    if (opts.team) principal.assertTeam(opts.team);
    const teams = opts.team ? [opts.team] : principal.visibleTeams();
    const filter: Record<string, unknown> = { 'sla.lastEscalationAt': { $ne: null } };
    if (teams) filter.team = { $in: [...teams] };
    const tickets = await this.d.Ticket.find(filter, { number: 1, subject: 1, team: 1, sla: 1 }).sort({ 'sla.lastEscalationAt': -1 }).limit(opts.limit);
    const all = tickets.flatMap((t) => (plainSla(t)?.escalations ?? []).map((e) => serializeEscalation(e, t)));
    return all
      .filter((e) => !opts.unacknowledged || !e.acknowledgedAt)
      .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime())
      .slice(0, opts.limit);
  }

  /** Marks an escalation seen; acknowledging twice keeps the first acknowledgement. */
  async acknowledge(number: number, escalationId: string, principal: Principal) {
    const ticket = await this.d.tickets.visible(number, principal);
    let found: Escalation | undefined;
    const updated = await this.d.sla.mutate(ticket, async (prev) => {
      found = prev?.escalations.find((e) => String(e._id) === escalationId);
      if (!prev || !found || found.acknowledgedAt) return undefined;
      found.acknowledgedBy = principal.id;
      found.acknowledgedAt = this.d.clock.now();
      return prev;
    });
    if (!found) throw new NotFoundError(`Escalation ${escalationId}`);
    const view = serializeEscalation(found, updated);
    if (found.acknowledgedBy === principal.id) {
      await this.d.timeline?.addEvent(updated, { type: 'escalation_acknowledged', data: { escalationId, target: found.target, kind: found.kind, level: found.level, by: principal.name } }, `${principal.name} acknowledged the ${found.kind} (${found.target})`, { key: `escalation-ack:${escalationId}` });
    }
    this.d.realtime.toTeam(updated.team, 'escalation:acknowledged', { ...view, acknowledgedByName: principal.name });
    return view;
  }
}
