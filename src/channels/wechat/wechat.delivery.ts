import { Job, UnrecoverableError } from 'bullmq';
import type { Types } from 'mongoose';
import { ConflictError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { CustomerService } from '../../modules/customers/customer.service';
import type { MessageDoc } from '../../modules/tickets/message.model';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketDoc } from '../../modules/tickets/ticket.model';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { WechatAccounts } from './wechat.accounts';
import { WechatApi, WechatApiError, WINDOW_CLOSED, WINDOW_LIMIT } from './wechat.api';
import type { WechatModels, WechatUserFields } from './wechat.model';

/** WeChat lets an account answer a customer for 48 hours after the customer's last message or action… */
export const WINDOW_MS = 48 * 3600 * 1000;
/** …with at most this many customer-service messages per window. */
export const WINDOW_MESSAGES = 20;
/** WeChat's cap on a text message (2048 bytes are accepted; we cut by characters before that). */
const MAX_TEXT_CHARS = 600;

export type Alternative = { kind: 'callback'; phone: string } | { kind: 'sms'; phone: string } | { kind: 'email'; address: string };

export interface ReplyWindow {
  open: boolean;
  reason: 'window_closed' | 'window_limit' | 'unsubscribed' | 'not_linked' | null;
  lastCustomerMessageAt: string | null;
  closesAt: string | null;
  remaining: number;
  alternatives: Alternative[];
}

export interface WechatDeliveryDeps {
  models: WechatModels;
  tickets: Pick<TicketService, 'byId' | 'message'>;
  timeline: Pick<TicketMessages, 'setDelivery' | 'addEvent'>;
  customers: Pick<CustomerService, 'get'>;
  accounts: WechatAccounts;
  api: WechatApi;
  queues: Queues;
  clock: Clock;
  /** whether an SMS provider is configured (the SMS alternative is only offered then) */
  smsEnabled: boolean;
}

interface SendJob {
  messageId: string;
}

/** Agents' replies to a WeChat customer through the customer-service message API, inside the window only. */
export class WechatDelivery {
  constructor(private readonly d: WechatDeliveryDeps) {}

  private async userOf(ticket: TicketDoc): Promise<WechatUserFields | null> {
    const w = (ticket.meta as { wechat?: { account: string; openId: string } } | null)?.wechat;
    return w ? this.d.models.WechatUser.findById(`${w.account}:${w.openId}`).lean() : null;
  }

  /** Whether an agent may write to this ticket's customer on WeChat now, and what else reaches them. */
  async window(ticket: TicketDoc): Promise<ReplyWindow> {
    const user = await this.userOf(ticket);
    const now = this.d.clock.now().getTime();
    const last = user?.lastInteractionAt ? new Date(user.lastInteractionAt).getTime() : null;
    const closesAt = last !== null ? last + WINDOW_MS : null;
    const remaining = user && closesAt !== null && closesAt > now ? Math.max(0, WINDOW_MESSAGES - user.sentInWindow) : 0;
    let reason: ReplyWindow['reason'] = null;
    if (!user) reason = 'not_linked';
    else if (!user.subscribed) reason = 'unsubscribed';
    else if (closesAt === null || closesAt <= now) reason = 'window_closed';
    else if (remaining === 0) reason = 'window_limit';
    return {
      open: reason === null,
      reason,
      lastCustomerMessageAt: last !== null ? new Date(last).toISOString() : null,
      closesAt: closesAt !== null ? new Date(closesAt).toISOString() : null,
      remaining,
      alternatives: reason ? await this.alternatives(ticket) : [],
    };
  }

  private async alternatives(ticket: TicketDoc): Promise<Alternative[]> {
    const c = await this.d.customers.get(String(ticket.customerId)).catch(() => null);
    const out: Alternative[] = [];
    const phone = c?.phones[0];
    if (phone) {
      out.push({ kind: 'callback', phone });
      if (this.d.smsEnabled) out.push({ kind: 'sms', phone });
    }
    if (c?.emails[0]) out.push({ kind: 'email', address: c.emails[0] });
    return out;
  }

  /** The reply guard: refuses a WeChat reply outside the window before it is stored, saying why and what else works. */
  readonly guard = async (ticket: TicketDoc): Promise<void> => {
    const w = await this.window(ticket);
    if (w.open) return;
    const messages: Record<NonNullable<ReplyWindow['reason']>, string> = {
      window_closed: 'WeChat allows replies only within 48 hours of the customer\'s last message; call back, send an SMS or mail instead',
      window_limit: `WeChat allows at most ${WINDOW_MESSAGES} replies until the customer writes again; call back, send an SMS or mail instead`,
      unsubscribed: 'The customer unfollowed the Official Account; call back, send an SMS or mail instead',
      not_linked: 'This ticket has no WeChat customer to reply to',
    };
    throw new ConflictError(messages[w.reason!], `wechat_${w.reason}`, w);
  };

  /** The delivery adapter: queues the send (the worker talks to WeChat). */
  readonly deliver = async (_ticket: TicketDoc, message: MessageDoc): Promise<void> => {
    await this.d.queues.get('wechat').add('send', { messageId: String(message._id) } satisfies SendJob, { jobId: `wechat-send-${message._id}`, attempts: 6, backoff: { type: 'exponential', delay: 2000 } });
  };

  async send(job: Job<SendJob>): Promise<unknown> {
    const message = await this.d.tickets.message(job.data.messageId);
    if (!message) return { skipped: 'message gone' };
    if (message.delivery?.status === 'sent' || message.delivery?.status === 'failed') return { skipped: message.delivery.status };
    const ticket = await this.d.tickets.byId(message.ticketId as Types.ObjectId);
    const user = ticket ? await this.userOf(ticket) : null;
    if (!ticket || !user) {
      await this.d.timeline.setDelivery(message, 'failed', 'No WeChat customer on this ticket');
      return { failed: 'not linked' };
    }
    const account = await this.d.accounts.get(user.account);
    if (!account?.secret) {
      await this.d.timeline.setDelivery(message, 'failed', 'The WeChat account has no AppSecret configured');
      return { failed: 'no secret' };
    }
    // A slot of the window, taken atomically before the send, once per message: a retry finds its slot held.
    const mine = String(message._id);
    const since = new Date(this.d.clock.now().getTime() - WINDOW_MS);
    const { WechatUser } = this.d.models;
    const took = await WechatUser.updateOne(
      { _id: user._id, lastInteractionAt: { $gt: since }, sentInWindow: { $lt: WINDOW_MESSAGES }, windowSlots: { $ne: mine } },
      { $inc: { sentInWindow: 1 }, $push: { windowSlots: mine } },
    );
    if (!took.modifiedCount && !(await WechatUser.exists({ _id: user._id, windowSlots: mine }))) return this.refused(ticket, message, WINDOW_CLOSED);
    try {
      await this.d.api.sendText({ appId: account.appId, secret: account.secret }, user.openId, message.body.slice(0, MAX_TEXT_CHARS));
    } catch (err) {
      if (err instanceof WechatApiError && (err.errcode === WINDOW_CLOSED || err.errcode === WINDOW_LIMIT)) return this.refused(ticket, message, err.errcode);
      const lastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const permanent = err instanceof WechatApiError && !err.transient && !err.tokenInvalid;
      if (permanent || lastTry) {
        await this.d.timeline.setDelivery(message, 'failed', (err as Error).message.slice(0, 500));
        if (permanent) throw new UnrecoverableError((err as Error).message);
      }
      throw err;
    }
    await this.d.timeline.setDelivery(message, 'sent');
    return { sent: true };
  }

  /** WeChat (or our count) says the window is shut: the reply fails visibly, with the alternatives on the timeline. */
  private async refused(ticket: TicketDoc, message: MessageDoc, errcode: number): Promise<unknown> {
    const reason = errcode === WINDOW_LIMIT ? 'window_limit' : 'window_closed';
    await this.d.timeline.setDelivery(message, 'failed', `wechat_${reason}`);
    await this.d.timeline.addEvent(
      ticket,
      { type: 'wechat_reply_refused', data: { messageId: String(message._id), reason, alternatives: await this.alternatives(ticket) } },
      `WeChat refused the reply (${reason}); call back, send an SMS or mail instead`,
      { key: `wechat-refused:${message._id}` },
    );
    return { failed: reason };
  }
}
