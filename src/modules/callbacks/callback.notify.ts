import type { Logger } from '../../logger';
import type { Realtime } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketDoc } from '../tickets/ticket.model';
import type { CallbackDoc } from './callback.model';
import type { CallbackView } from './callback.serialize';
import { loadAgentNames, serializeCallback } from './callback.serialize';

export interface CallbackNotifierDeps {
  Agent: AgentModel;
  realtime: Realtime;
  timeline: Pick<TicketMessages, 'addEvent'>;
  log: Logger;
}

/** Who hears about a callback task: the assignee or the team when it is due, the supervisors when it fails. */
export class CallbackNotifier {
  constructor(private readonly d: CallbackNotifierDeps) {}

  async due(cb: CallbackDoc, view: CallbackView): Promise<void> {
    if (cb.assigneeId) this.d.realtime.toAgents([String(cb.assigneeId)], 'callback:due', view);
    else this.d.realtime.toTeam(cb.team, 'callback:due', view);
  }

  /** The team's supervisors (managers when the team has none) are told, and the ticket's timeline says so. */
  async failed(cb: CallbackDoc, ticket: TicketDoc | null): Promise<void> {
    const { Agent } = this.d;
    let leads = await Agent.find({ active: true, role: 'supervisor', teams: cb.team }, { _id: 1 }).lean();
    if (!leads.length) leads = await Agent.find({ active: true, role: 'manager' }, { _id: 1 }).lean();
    const ids = leads.map((a) => String(a._id));
    const view = serializeCallback(cb, await loadAgentNames([cb], Agent));
    this.d.realtime.toAgents(ids, 'callback:failed', view);
    this.d.realtime.toAgents(ids, 'escalation', {
      ticketNumber: cb.ticketNumber,
      target: 'callback',
      kind: 'breach',
      level: 1,
      dueAt: cb.dueAt.toISOString(),
      callbackId: String(cb._id),
    });
    if (ticket) {
      const data = { callbackId: String(cb._id), kind: cb.kind, attempts: cb.attempts.length, outcome: cb.outcome ?? null, notified: ids };
      await this.d.timeline.addEvent(ticket, { type: 'callback_failed', data }, `Callback (${cb.kind}) failed after ${cb.attempts.length} attempt(s); supervisors notified`, { key: `callback-failed:${cb._id}` });
    }
    this.d.log.info({ callback: String(cb._id), ticket: cb.ticketNumber, notified: ids.length }, 'callback failed');
  }
}
