import type { Job } from 'bullmq';
import type { Types } from 'mongoose';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { CustomerService } from '../../modules/customers/customer.service';
import type { TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketService } from '../../modules/tickets/ticket.service';
import { attachmentId } from '../email/mail-parse';
import type { MailStore } from '../email/mail-store';
import type { WechatAccounts } from './wechat.accounts';
import { WechatApi, WechatApiError } from './wechat.api';
import type { WechatModels, WechatUserFields } from './wechat.model';
import { wechatText } from './wechat.texts';
import { pushKey, toPush, WechatPush } from './wechat.xml';

export interface WechatInJob {
  id: string; // WechatInbound _id
}
export interface WechatMediaJob {
  account: string;
  messageId: string;
  mediaId: string;
  kind: 'image' | 'voice' | 'video';
}

export interface WechatInboundDeps {
  models: WechatModels;
  tickets: Pick<TicketService, 'byId' | 'message'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'addAttachment'>;
  /** the inbound contract: every message reaches its ticket through it */
  inbound: Pick<TicketInbound, 'receive'>;
  customers: Pick<CustomerService, 'get' | 'findOrCreate'>;
  accounts: WechatAccounts;
  api: WechatApi;
  store: MailStore;
  queues: Queues;
  clock: Clock;
  log: Logger;
  /** the phone-verification step, when a text is part of it (it then never reaches a ticket) */
  identity?: { handle(user: WechatUserFields, push: WechatPush): Promise<boolean> };
}

const MEDIA_EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'audio/amr': 'amr', 'audio/mpeg': 'mp3', 'audio/speex': 'speex', 'video/mp4': 'mp4' };

/**
 * The worker half of the WeChat channel. The webhook stored the push (WechatInbound) and queued
 * `wechat/inbound`; this hands it to the inbound contract as a message on the follower's ticket,
 * once: the message's dedupe key is the push's key, so a retried job or a push WeChat resent lands
 * one message.
 */
export class WechatInbound {
  constructor(private readonly d: WechatInboundDeps) {}

  /** The webhook's half: durable first (a retry of the same push finds it stored), then the job. */
  async accept(account: string, fields: Record<string, string>): Promise<{ id: string; duplicate: boolean }> {
    const push = toPush(fields); // validates before anything is stored
    const id = `${account}:${pushKey(push)}`;
    let duplicate = false;
    try {
      await this.d.models.WechatInbound.create({ _id: id, account, fields, receivedAt: this.d.clock.now(), processedAt: null });
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      duplicate = true;
    }
    // queued again on a retry too: the first try may have died between the store and the queue
    await this.d.queues.get('wechat').add('inbound', { id } satisfies WechatInJob, { jobId: `wechat-in-${id.replace(/:/g, '-')}`, attempts: 10, backoff: { type: 'exponential', delay: 2000 } });
    return { id, duplicate };
  }

  async process(job: Job<WechatInJob>): Promise<unknown> {
    const stored = await this.d.models.WechatInbound.findById(job.data.id).lean();
    if (!stored) return { skipped: 'gone' };
    if (stored.processedAt) return { skipped: 'done' };
    const push = toPush(stored.fields);
    const account = await this.d.accounts.get(stored.account);
    // a follower becomes a customer record with their first message, not by following or a menu click
    const user = await this.user(stored.account, push.base.openId, push.kind !== 'event');
    const at = new Date(push.base.createTime * 1000);
    // every message or action of the customer opens a new 48-hour window with a fresh allowance
    await this.d.models.WechatUser.updateOne(
      { _id: user._id, $or: [{ lastInteractionAt: null }, { lastInteractionAt: { $lt: at } }] },
      { $set: { lastInteractionAt: at, sentInWindow: 0, windowSlots: [], ...(push.kind === 'event' && push.event === 'unsubscribe' ? { subscribed: false } : { subscribed: true }) } },
    );
    let result: unknown;
    if (push.kind === 'event') result = await this.event(user, push);
    else if (this.d.identity && (await this.d.identity.handle(user, push))) result = { identity: true };
    else result = await this.message(stored.account, account?.team ?? 'support', user, push, stored._id);
    await this.d.models.WechatInbound.updateOne({ _id: stored._id }, { $set: { processedAt: this.d.clock.now() } });
    return result;
  }

  /** The openid's record, with a customer made for it on first contact (race-free: the unique _id decides). */
  async user(account: string, openId: string, withCustomer = true): Promise<WechatUserFields> {
    const _id = `${account}:${openId}`;
    const { WechatUser } = this.d.models;
    let u = await WechatUser.findById(_id).lean();
    if (!u) {
      try {
        await WechatUser.create({ _id, account, openId });
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
      }
      u = (await WechatUser.findById(_id).lean())!;
    }
    if (u.customerId || !withCustomer) return u;
    // an Official Account's followers are mostly Chinese-speaking; an agent can change the locale
    const customer = await this.d.customers.findOrCreate({ name: wechatText('zh-CN', 'customerName', { id: openId.slice(-6) }), locale: 'zh-CN' });
    // the first writer's customer is the record (a racing loser's fresh one stays empty and unused)
    await WechatUser.updateOne({ _id, customerId: null }, { $set: { customerId: customer._id } });
    return (await WechatUser.findById(_id).lean())!;
  }

  private async event(user: WechatUserFields, push: Extract<WechatPush, { kind: 'event' }>): Promise<unknown> {
    // subscriptions and menu clicks open the window but are not requests: noted on an open ticket only, once
    const ticket = user.ticketId ? await this.d.tickets.byId(String(user.ticketId)) : null;
    if (ticket && !['solved', 'closed'].includes(ticket.status)) {
      await this.d.timeline.addEvent(ticket, { type: 'wechat_event', data: { event: push.eventName, key: push.eventKey } }, `WeChat: ${push.eventName}${push.eventKey ? ` ${push.eventKey}` : ''}`, {
        key: `wechat-event:${user._id}:${push.base.createTime}:${push.eventName}`,
      });
    }
    return { event: push.eventName };
  }

  /** A message of the follower, through the inbound contract: threaded to their current ticket, or a new one. */
  private async message(account: string, team: string, user: WechatUserFields, push: Exclude<WechatPush, { kind: 'event' }>, key: string): Promise<unknown> {
    const customer = await this.d.customers.get(String(user.customerId));
    const current = user.ticketId ? await this.d.tickets.byId(String(user.ticketId)) : null;
    const r = await this.d.inbound.receive({
      channel: 'wechat',
      customer: { name: customer.name },
      customerId: customer._id,
      author: { type: 'customer', id: String(customer._id), name: customer.name },
      // the follower's current ticket: a message reopens it when solved, opens a linked ticket when closed
      thread: current,
      // racing first messages of one follower share this key, so they open one ticket
      open: { key: `wechat-ticket:${user._id}:after:${user.ticketId ?? 'none'}`, subject: subjectOf(push), team },
      message: { body: bodyOf(push), dedupeKey: `wechat:${key}`, delivery: 'received' },
      // whom a reply goes to, kept on whichever ticket the message lands on
      meta: { wechat: { account, openId: user.openId } },
    });
    // a new ticket (first contact, or after a closed one): the next message threads to it. Also on
    // a duplicate, and the media job below too: a retry repairs what a crashed attempt left undone.
    if (String(r.ticket._id) !== String(user.ticketId ?? '')) await this.d.models.WechatUser.updateOne({ _id: user._id }, { $set: { ticketId: r.ticket._id } });
    if (r.message && (push.kind === 'image' || push.kind === 'voice' || push.kind === 'video')) {
      const data: WechatMediaJob = { account, messageId: String(r.message._id), mediaId: push.mediaId, kind: push.kind };
      await this.d.queues.get('wechat').add('media', data, { jobId: `wechat-media-${r.message._id}`, attempts: 8, backoff: { type: 'exponential', delay: 5000 } });
    }
    return { ticket: r.ticket.number, duplicate: r.outcome === 'duplicate' };
  }

  /** `wechat/media`: the customer's image, voice or video fetched from WeChat and kept like a mail attachment. */
  async fetchMedia(job: Job<WechatMediaJob>): Promise<unknown> {
    const message = await this.d.tickets.message(job.data.messageId);
    if (!message) return { skipped: 'message gone' };
    const id = attachmentId(message.dedupeKey, 0);
    if (message.attachments.some((a) => a.id === id)) return { skipped: 'already stored' };
    const account = await this.d.accounts.require(job.data.account);
    if (!account.secret) return { skipped: 'no AppSecret configured' };
    let media;
    try {
      media = await this.d.api.getMedia({ appId: account.appId, secret: account.secret }, job.data.mediaId);
    } catch (err) {
      // a refusal (media expired after 3 days, invalid id) stays one: noted once, not retried for hours
      if (!(err instanceof WechatApiError) || err.transient || err.tokenInvalid || err.errcode === -1) throw err;
      const ticket = await this.d.tickets.byId(message.ticketId as Types.ObjectId);
      if (ticket) {
        await this.d.timeline.addEvent(ticket, { type: 'wechat_media_failed', data: { messageId: String(message._id), errcode: err.errcode, errmsg: err.errmsg } }, `WeChat media could not be fetched: ${err.errmsg}`, {
          key: `wechat-media-failed:${message._id}`,
        });
      }
      return { failed: err.errcode };
    }
    const blob = await this.d.store.writeAttachment(media.stream);
    const filename = media.filename ?? `${job.data.kind}-${job.data.mediaId.slice(0, 16)}.${MEDIA_EXT[media.contentType] ?? 'bin'}`;
    await this.d.timeline.addAttachment(message._id as Types.ObjectId, { id, filename, contentType: media.contentType, size: blob.size, hash: blob.hash, inline: false });
    return { stored: blob.hash };
  }
}

function bodyOf(p: Exclude<WechatPush, { kind: 'event' }>): string {
  switch (p.kind) {
    case 'text':
      return p.content;
    case 'image':
      return '[image]';
    case 'voice':
      return p.recognition ? `[voice] ${p.recognition}` : '[voice]';
    case 'video':
      return '[video]';
    case 'location':
      return `[location] ${p.label} (${p.lat}, ${p.lng})`;
    case 'link':
      return `[link] ${p.title} ${p.url}`;
  }
}

function subjectOf(p: Exclude<WechatPush, { kind: 'event' }>): string {
  const text = bodyOf(p).replace(/\s+/g, ' ').trim();
  return text.length > 60 ? `${text.slice(0, 60)}…` : text || 'WeChat';
}
