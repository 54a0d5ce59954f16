import type { AgentModel } from '../../modules/agents/agent.model';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { TicketChanges, TicketObserver } from '../../modules/tickets/ticket.observers';
import { isLiveStatus } from '../../modules/tickets/ticket.types';
import type { Realtime } from '../../realtime/realtime';
import type { ChatQueue } from './chat.queue';

/** Tells the visitor when an agent takes the chat, and keeps the waiting queue in step with the tickets. */
export class ChatObserver implements TicketObserver {
  readonly name = 'chat';

  constructor(
    private readonly queue: ChatQueue,
    private readonly realtime: Realtime,
    private readonly Agent: AgentModel,
  ) {}

  async created(ticket: TicketDoc): Promise<void> {
    if (ticket.channel === 'chat' && !ticket.assigneeId) await this.queue.join(ticket.team, ticket.number, ticket.createdAt);
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    if (ticket.channel !== 'chat') return;
    const assignee = changes.assignee?.[1];
    if (assignee) {
      const agent = await this.Agent.findById(String(assignee), { name: 1 }).lean();
      if (agent) this.realtime.toChat(ticket.number, 'agent:joined', { name: agent.name });
    }
    if (changes.team && typeof changes.team[0] === 'string') await this.queue.leave(changes.team[0], ticket.number);
    const waiting = !ticket.assigneeId && isLiveStatus(ticket.status) && !(ticket.meta as { chatEndedAt?: unknown })?.chatEndedAt;
    if (waiting) await this.queue.join(ticket.team, ticket.number, ticket.createdAt);
    else await this.queue.leave(ticket.team, ticket.number);
  }
}
