import type { Types } from 'mongoose';
import type { Actor, Channel } from '../../core/types';
import type { Clock } from '../../infra/clock';
import { GroupCommit } from '../../infra/group-commit';
import { insertDoc } from '../../infra/insert-doc';
import type { MessageDoc, MessageModel } from './message.model';
import type { TicketDoc, TicketModel } from './ticket.model';
import type { EffectEntry } from './ticket.observers';

export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  hash: string;
  inline?: boolean;
  cid?: string;
}

export interface NewMessageInput {
  /** the id to store it under (a ticket's first message, named in the creation's journal entry) */
  id?: Types.ObjectId;
  body: string;
  fullBody?: string | null;
  /** sanitised HTML; a function of the ticket number when it links to the ticket (inline images) */
  html?: string | null | ((ticketNumber: number) => string | null);
  internal?: boolean;
  automatic?: boolean;
  channel: Channel;
  kind?: 'message' | 'event';
  event?: { type: string; data?: unknown };
  attachments?: AttachmentRef[];
  mail?: { messageId?: string | null; inReplyTo?: string | null; references?: string[]; from?: string | null; to?: string[] };
  clientId?: string | null;
  /** the same key is stored once: a repeat answers the first copy as a duplicate */
  dedupeKey?: string;
  delivery?: 'none' | 'received' | 'queued';
}

/** Lists a channel keeps on the ticket (`meta.<name>`), only ever added to: a mail's participants. */
export type MetaLists = Record<string, string[]>;

/** The `$addToSet` of `lists` into the ticket's `meta` (nothing for an empty list). */
export function metaAddToSet(lists: MetaLists | undefined): Record<string, { $each: string[] }> {
  return Object.fromEntries(Object.entries(lists ?? {}).filter(([, v]) => v.length).map(([k, v]) => [`meta.${k}`, { $each: v }]));
}

const PREVIEW_CHARS = 160;

export function previewOf(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, PREVIEW_CHARS);
}

export interface TicketStoreDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  clock: Clock;
}

/** A ticket's own writes that every ticket operation shares: storing a message and recording it on the ticket. */
export class TicketStore {
  /** messages of concurrent operations share insert commands (issue #23) */
  private readonly inserts: GroupCommit;

  constructor(private readonly d: TicketStoreDeps) {
    this.inserts = new GroupCommit(d.Message, 500, { prepared: true });
  }

  /** The stored shape of a message (the batcher inserts many of these at once). */
  messageFields(ticket: Pick<TicketDoc, '_id' | 'number'>, input: NewMessageInput, author: Actor) {
    return {
      ...(input.id ? { _id: input.id } : {}),
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      kind: input.kind ?? 'message',
      author: { type: author.type, id: author.id ?? null, name: author.name },
      body: input.body,
      fullBody: input.fullBody ?? null,
      html: (typeof input.html === 'function' ? input.html(ticket.number) : input.html) ?? null,
      internal: !!input.internal,
      automatic: !!input.automatic,
      channel: input.channel,
      delivery: { status: input.delivery ?? (author.type === 'customer' ? 'received' : 'none') },
      mail: { messageId: input.mail?.messageId ?? null, inReplyTo: input.mail?.inReplyTo ?? null, references: input.mail?.references ?? [], from: input.mail?.from ?? null, to: input.mail?.to ?? [] },
      attachments: input.attachments ?? [],
      event: input.event ?? undefined,
      clientId: input.clientId ?? null,
      ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
    };
  }

  /** Stores a message; a repeated dedupeKey answers the copy stored first, as a duplicate. */
  async insertMessage(ticket: Pick<TicketDoc, '_id' | 'number'>, input: NewMessageInput, author: Actor): Promise<{ message: MessageDoc; duplicate: boolean }> {
    try {
      return { message: await insertDoc(this.d.Message, this.messageFields(ticket, input, author), this.inserts), duplicate: false };
    } catch (err) {
      if ((err as { code?: number }).code === 11000 && input.dedupeKey) {
        const first = await this.messageByKey(input.dedupeKey);
        if (first) {
          // a first attempt that stopped before recording its message on the ticket: listed now
          await this.list(first);
          return { message: first, duplicate: true };
        }
      }
      throw err;
    }
  }

  /** Puts a stored message into its ticket's list of messages (MessageList), once. */
  async list(message: Pick<MessageDoc, '_id' | 'ticketId'>): Promise<void> {
    await this.d.Ticket.updateOne({ _id: message.ticketId, messageIds: { $ne: message._id } }, { $addToSet: { messageIds: message._id } }, { timestamps: false });
  }

  messageByKey(dedupeKey: string): Promise<MessageDoc | null> {
    return this.d.Message.findOne({ dedupeKey });
  }

  /**
   * Records a new message on its ticket: counters, preview, last-activity times, and whatever the
   * caller changes with it (a reopen, a first response), with the journal entry of that change:
   * one atomic update. Null when the ticket is gone.
   */
  async touch(
    ticket: Pick<TicketDoc, '_id'>,
    message: MessageDoc,
    opts: { set?: Record<string, unknown>; inc?: Record<string, number>; preview?: boolean; journal?: EffectEntry[]; metaAdd?: MetaLists } = {},
  ): Promise<TicketDoc | null> {
    const now = this.d.clock.now();
    const fields: Record<string, unknown> = { ...opts.set, lastMessageAt: now, lastMessageId: String(message._id) };
    if ((opts.preview ?? true) && !message.internal) fields.preview = previewOf(message.body);
    if (message.author.type === 'customer') fields.lastCustomerMessageAt = now;
    const add: Record<string, unknown> = { messageIds: message._id, ...metaAddToSet(opts.metaAdd) };
    const update: Record<string, unknown> = { $set: fields, $inc: { messageCount: 1, ...opts.inc }, $addToSet: add };
    if (opts.journal?.length) update.$push = { effects: { $each: opts.journal } };
    return this.d.Ticket.findOneAndUpdate({ _id: ticket._id as Types.ObjectId }, update, { new: true });
  }
}
