import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { Realtime } from '../../realtime/realtime';
import type { MessageDoc } from './message.model';
import type { QueueIndex } from './queue-index';
import type { TicketDoc } from './ticket.model';
import type { TicketChanges, TicketObserver } from './ticket.observer';
import { loadNames, serializeMessage, serializeTicket, toQueueItem } from './ticket.serialize';

/**
 * Keeps the live queue index and the agents' sockets in step with every ticket change. Payloads
 * carry freshly read data, so a late event never shows stale state.
 */
export class LiveTicketObserver implements TicketObserver {
  readonly name = 'live';

  constructor(
    private readonly index: QueueIndex,
    private readonly realtime: Realtime,
    private readonly Agent: AgentModel,
    private readonly Customer: CustomerModel,
  ) {}

  async refresh(ticket: TicketDoc): Promise<ReturnType<typeof serializeTicket>> {
    const view = serializeTicket(ticket, await loadNames([ticket], this.Agent, this.Customer));
    await this.index.put(toQueueItem(view));
    return view;
  }

  async created(ticket: TicketDoc): Promise<void> {
    const view = await this.refresh(ticket);
    this.realtime.toTeam(ticket.team, 'ticket:created', view);
  }

  async messageAdded(ticket: TicketDoc, message: MessageDoc): Promise<void> {
    const view = await this.refresh(ticket);
    this.realtime.toTeam(ticket.team, 'message:new', { ticketNumber: ticket.number, message: serializeMessage(message) });
    this.realtime.toTeam(ticket.team, 'ticket:updated', view);
  }

  async changed(ticket: TicketDoc, changes: TicketChanges): Promise<void> {
    const view = await this.refresh(ticket);
    const payload = { ...view, changes: Object.keys(changes) };
    this.realtime.toTeam(ticket.team, 'ticket:updated', payload);
    if (changes.team && typeof changes.team[0] === 'string') this.realtime.toTeam(changes.team[0], 'ticket:updated', payload);
    if (changes.assignee?.[1]) this.realtime.toAgents([String(changes.assignee[1])], 'ticket:assigned', payload);
  }
}
