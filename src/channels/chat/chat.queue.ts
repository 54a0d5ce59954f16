import type { TicketModel } from '../../modules/tickets/ticket.model';
import type { Realtime } from '../../realtime/realtime';
import type { ChatState } from './chat.state';

/** Positions are pushed to at most this many waiting visitors per change; the rest learn theirs on reconnect. */
const ANNOUNCE_LIMIT = 200;

/**
 * The waiting queue of each team's unassigned chats, oldest first. Joining at the end changes
 * nobody's place, so only a chat that leaves (assigned, ended, solved, moved) re-announces the
 * places behind it: one Redis read and one emit per waiting visitor.
 */
export class ChatQueue {
  constructor(
    private readonly state: ChatState,
    private readonly realtime: Realtime,
  ) {}

  async join(team: string, ticketNumber: number, since: Date): Promise<void> {
    await this.state.enqueue(team, ticketNumber, since);
  }

  async leave(team: string, ticketNumber: number): Promise<void> {
    if (await this.state.dequeue(team, ticketNumber)) await this.announce(team);
  }

  /**
   * Rebuilds every team's waiting queue from MongoDB (the truth: unassigned live chat tickets),
   * so a Redis restored from an old snapshot, or lost, does not lose anyone's place.
   */
  async rebuild(Ticket: TicketModel, teams: string[]): Promise<number> {
    const waiting = await Ticket.find({ channel: 'chat', assigneeId: null, status: { $in: ['new', 'open'] } }, { number: 1, team: 1, createdAt: 1 }).lean();
    for (const team of teams) {
      await this.state.replaceWaiting(team, waiting.filter((t) => t.team === team).map((t) => ({ ticket: t.number, since: t.createdAt })));
      await this.announce(team);
    }
    return waiting.length;
  }

  async announce(team: string): Promise<void> {
    const waiting = await this.state.waiting(team, ANNOUNCE_LIMIT);
    waiting.forEach((n, i) => this.realtime.toChat(n, 'queue:position', { position: i + 1 }));
  }
}
