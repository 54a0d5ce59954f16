import type { Logger } from '../logger';
import type { MessageDoc } from '../modules/tickets/message.model';
import type { TicketDoc } from '../modules/tickets/ticket.model';
import type { Channel } from '../core/types';
import type { Deliver, ReplyGuard } from '../modules/tickets/ticket.messages';

/**
 * The one delivery function of the composition root: an agent's reply goes out through the adapter
 * of its message's channel — the ticket's (chat: to the open chat, email: a threaded mail), or the
 * one the agent chose instead (SMS, mail when WeChat's window is shut). Channel modules register
 * their adapter, and a guard when a channel can refuse a reply before it is stored (WeChat's
 * 48-hour window); a channel without an adapter (voice, web) uses the fallback (email) when there is one.
 */
export class DeliveryRouter {
  private readonly adapters = new Map<Channel, Deliver>();
  private fallbackAdapter: Deliver | null = null;
  private readonly guards = new Map<Channel, ReplyGuard>();

  constructor(private readonly log: Logger) {}

  register(channel: Channel, deliver: Deliver): void {
    if (this.adapters.has(channel)) throw new Error(`two delivery adapters for channel ${channel}`);
    this.adapters.set(channel, deliver);
  }

  /** A check before a reply on `channel` is stored: it throws when the channel cannot deliver it now. */
  guard(channel: Channel, guard: ReplyGuard): void {
    this.guards.set(channel, guard);
  }

  readonly check: ReplyGuard = async (ticket, channel) => {
    await this.guards.get(channel)?.(ticket, channel);
  };

  /** What replies on channels without their own adapter use (e.g. email for a phone ticket). */
  fallback(deliver: Deliver): void {
    this.fallbackAdapter = deliver;
  }

  /** The adapter of a channel, for adapters that fall back to another (chat → email when the visitor left). */
  adapter(channel: Channel): Deliver | null {
    return this.adapters.get(channel) ?? null;
  }

  readonly deliver: Deliver = async (ticket: TicketDoc, message: MessageDoc) => {
    // the message's channel: normally the ticket's, or the one the agent chose instead (SMS, mail)
    const fn = this.adapters.get((message.channel ?? ticket.channel) as Channel) ?? this.fallbackAdapter;
    if (!fn) {
      this.log.warn({ ticket: ticket.number, channel: ticket.channel }, 'no delivery adapter for this channel');
      return;
    }
    await fn(ticket, message);
  };
}
