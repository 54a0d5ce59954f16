import type { Logger } from '../../logger';
import type { MessageDoc } from '../../modules/tickets/message.model';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { Deliver, TicketMessages } from '../../modules/tickets/ticket.messages';
import type { CustomerService } from '../../modules/customers/customer.service';
import type { MailOutbox } from '../../mail/outbox';
import type { Locale } from '../../core/types';
import type { Realtime } from '../../realtime/realtime';
import type { ChatState } from './chat.state';
import { visitorMessage } from './chat.view';

/**
 * Delivers an agent's chat reply: live to the visitor's sockets, marked `sent` when the visitor
 * has a socket open (presence in Redis, so any node or worker knows). When the visitor is gone
 * and left an email address, the reply goes by email: through the email channel's adapter when
 * there is one (a threaded mail the customer can answer), else as a `chat-reply` system mail.
 */
export function chatDelivery(deps: {
  realtime: Realtime;
  state: ChatState;
  timeline: Pick<TicketMessages, 'setDelivery'>;
  customers: Pick<CustomerService, 'get'>;
  outbox: MailOutbox;
  emailAdapter: () => Deliver | null;
  log: Logger;
}): Deliver {
  return async (ticket: TicketDoc, message: MessageDoc) => {
    // Emitted in any case: a visitor reconnecting right now gets it live, and the replay covers the rest.
    deps.realtime.toChat(ticket.number, 'message:new', visitorMessage(message));
    if (await deps.state.isOnline(ticket.visitorId)) {
      await deps.timeline.setDelivery(message, 'sent');
      return;
    }
    const customer = await deps.customers.get(String(ticket.customerId));
    const to = customer.emails[0];
    if (!to) {
      deps.log.info({ ticket: ticket.number }, 'chat reply waits for the visitor to come back');
      return;
    }
    const email = deps.emailAdapter();
    if (email) {
      await email(ticket, message);
      return;
    }
    await deps.outbox.send(
      { to, template: 'chat-reply', locale: (customer.locale as Locale) ?? 'en', data: { ticketNumber: ticket.number, subject: ticket.subject, agent: message.author.name, body: message.body } },
      `chat-reply-${String(message._id)}`,
    );
  };
}
