import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { Realtime } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import type { TeamModel } from '../teams/team.model';
import type { TicketDoc } from '../tickets/ticket.model';
import type { Locale } from '../../core/types';
import type { DueEvent, Escalation } from './sla-state';

export interface Recipient {
  id: string;
  name: string;
  email: string;
  locale: string;
}

/**
 * Who hears of an SLA event, and how: a warning goes to the assignee and the team; a breach to the
 * assignee and the team's supervisors (level 1), then the managers (2), then the directors (3).
 * Each recipient gets the `escalation` socket event and a mail in their own language.
 */
export interface SlaNotifierDeps {
  Agent: AgentModel;
  /** the team's name in each reader's language for the mail */
  Team?: TeamModel;
  realtime: Realtime;
  outbox: MailOutbox;
  /** PUBLIC_URL, for the link in the mail */
  publicUrl: string;
  log: Logger;
}

/** how long one answer of "who hears of this" serves: a burst of breaches in one team costs one query */
const RECIPIENTS_CACHE_MS = 2000;

export class SlaNotifier {
  private readonly cache = new Map<string, { at: number; recipients: Promise<Recipient[]> }>();

  constructor(private readonly d: SlaNotifierDeps) {}

  /**
   * The agents an event goes to, decided when it is recorded. A filter on the agents (role, team)
   * is a scan on the embedded store, and many breaches fall due together (a policy's tickets opened
   * in a burst): one answer per level, team and assignee serves for RECIPIENTS_CACHE_MS, as the
   * chat's availability does; a change of role or team is seen within that time.
   */
  recipients(ticket: Pick<TicketDoc, 'assigneeId' | 'team'>, e: Pick<DueEvent, 'kind' | 'level'>): Promise<Recipient[]> {
    const key = `${e.level}|${ticket.team}|${ticket.assigneeId ? String(ticket.assigneeId) : ''}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < RECIPIENTS_CACHE_MS) return hit.recipients;
    if (this.cache.size > 1000) for (const [k, v] of this.cache) if (now - v.at >= RECIPIENTS_CACHE_MS) this.cache.delete(k);
    const recipients = this.query(ticket, e).catch((err) => {
      this.cache.delete(key);
      throw err;
    });
    this.cache.set(key, { at: now, recipients });
    return recipients;
  }

  private async query(ticket: Pick<TicketDoc, 'assigneeId' | 'team'>, e: Pick<DueEvent, 'kind' | 'level'>): Promise<Recipient[]> {
    const { Agent } = this.d;
    const or: Record<string, unknown>[] = [];
    if (e.level <= 1 && ticket.assigneeId) or.push({ _id: ticket.assigneeId });
    if (e.level === 1) or.push({ role: 'supervisor', teams: ticket.team });
    if (e.level === 2) or.push({ role: 'manager' });
    if (e.level >= 3) or.push({ role: 'director' });
    if (!or.length) return [];
    const agents = await Agent.find({ $or: or, active: true }, { name: 1, email: 1, locale: 1 }).lean();
    return agents.map((a) => ({ id: String(a._id), name: a.name, email: a.email, locale: a.locale ?? 'en' }));
  }

  /**
   * The `escalation` socket event (a warning of level 0 to the team too): synchronous, so the caller
   * sends it the moment the escalation is stored, before any other work of the escalation.
   */
  publish(ticket: Pick<TicketDoc, 'number' | 'subject' | 'team'>, esc: Escalation, recipients: Recipient[]): void {
    const payload = escalationPayload(ticket, esc);
    if (esc.kind === 'warning' && esc.level === 0) this.d.realtime.toTeam(ticket.team, 'escalation', payload);
    this.d.realtime.toAgents(recipients.map((r) => r.id), 'escalation', payload);
  }

  /** The escalation mail, one per recipient in their language (queued with an id per escalation and recipient: sent once). Never throws. */
  async mail(ticket: TicketDoc, esc: Escalation, recipients: Recipient[]): Promise<void> {
    if (!recipients.length) return;
    const payload = escalationPayload(ticket, esc);
    const team = this.d.Team ? await this.d.Team.findOne({ key: ticket.team }, { name: 1, nameZh: 1 }).lean().catch(() => null) : null;
    await Promise.all(
      recipients.map((r) => {
        const locale: Locale = r.locale === 'zh-CN' ? 'zh-CN' : 'en';
        const teamName = team ? (locale === 'zh-CN' && team.nameZh ? team.nameZh : team.name) : ticket.team;
        return this.d.outbox
          .send(
            {
              to: r.email,
              template: 'sla-escalation',
              locale,
              data: { ...payload, teamName, recipientName: r.name, url: `${this.d.publicUrl}/console#/tickets/${ticket.number}` },
            },
            `sla-mail-${esc._id}-${r.id}`,
          )
          .catch((err: Error) => this.d.log.warn({ ticket: ticket.number, err: err.message }, 'escalation mail not queued'));
      }),
    );
  }
}

/** The `escalation` event's payload (CONTRACT.md), also the mail's data. */
function escalationPayload(ticket: Pick<TicketDoc, 'number' | 'subject' | 'team'>, esc: Escalation) {
  return {
    id: String(esc._id),
    ticketNumber: ticket.number,
    subject: ticket.subject,
    team: ticket.team,
    target: esc.target,
    kind: esc.kind,
    level: esc.level,
    dueAt: esc.dueAt ? esc.dueAt.toISOString() : null,
    at: esc.at.toISOString(),
    ...(esc.reason ? { reason: esc.reason } : {}),
  };
}
