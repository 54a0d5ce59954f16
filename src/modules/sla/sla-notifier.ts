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

export class SlaNotifier {
  constructor(private readonly d: SlaNotifierDeps) {}

  async recipients(ticket: Pick<TicketDoc, 'assigneeId' | 'team'>, e: Pick<DueEvent, 'kind' | 'level'>): Promise<Recipient[]> {
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

  async send(ticket: TicketDoc, esc: Escalation, recipients: Recipient[]): Promise<void> {
    const payload = {
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
    if (esc.kind === 'warning' && esc.level === 0) this.d.realtime.toTeam(ticket.team, 'escalation', payload);
    this.d.realtime.toAgents(recipients.map((r) => r.id), 'escalation', payload);
    const team = recipients.length && this.d.Team ? await this.d.Team.findOne({ key: ticket.team }, { name: 1, nameZh: 1 }).lean() : null;
    for (const r of recipients) {
      const locale: Locale = r.locale === 'zh-CN' ? 'zh-CN' : 'en';
      const teamName = team ? (locale === 'zh-CN' && team.nameZh ? team.nameZh : team.name) : ticket.team;
      await this.d.outbox
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
    }
  }
}
