import type { Logger } from '../logger';
import type { MessageDoc } from '../modules/tickets/message.model';
import type { TicketDoc } from '../modules/tickets/ticket.model';
import type { Deliver } from '../modules/tickets/ticket.messages';
import type { Channel } from '../core/types';

/**
 * The one delivery function of the composition root: an agent's reply goes out through the adapter
 * of its ticket's channel (chat: to the open chat, email: a threaded mail). Channel modules register
 * their adapter; a channel without one (voice, web) uses the fallback (email) when there is one.
 */
export class DeliveryRouter {
  private readonly adapters = new Map<Channel, Deliver>();
  private fallbackAdapter: Deliver | null = null;

  constructor(private readonly log: Logger) {}

  register(channel: Channel, deliver: Deliver): void {
    if (this.adapters.has(channel)) throw new Error(`two delivery adapters for channel ${channel}`);
    this.adapters.set(channel, deliver);
  }

  /** What replies on channels without their own adapter use (e.g. email for a phone ticket). */
  fallback(deliver: Deliver): void {
    this.fallbackAdapter = deliver;
  }

  /** The adapter of a channel, for adapters that fall back to another (chat → email when the visitor left). */
  adapter(channel: Channel): Deliver | null {
    return this.adapters.get(channel) ?? null;
  }

  readonly deliver: Deliver = async (ticket: TicketDoc, message: MessageDoc) => {
    const fn = this.adapters.get(ticket.channel as Channel) ?? this.fallbackAdapter;
    if (!fn) {
      this.log.warn({ ticket: ticket.number, channel: ticket.channel }, 'no delivery adapter for this channel');
      return;
    }
    await fn(ticket, message);
  };
}
