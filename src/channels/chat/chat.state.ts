import type { RedisClient } from '../../infra/redis';
import type { TicketModel } from '../../modules/tickets/ticket.model';

const VISITOR_TTL_SEC = 30 * 24 * 3600;
/** A visitor socket not refreshed for this long is gone (its API node died without saying so). */
export const PRESENCE_TTL_MS = 90_000;

export interface VisitorChat {
  /** the open chat's ticket number */
  ticket: number | null;
  /** the last chat the visitor ended; the next message opens a new chat after it */
  last: number | null;
  /**
   * ids of the visitor's sockets with a fresh presence, on any node, as the visitor's hash holds
   * them (a hint for the echo of a message to the visitor's other tabs; `isOnline` is the truth)
   */
  sockets: string[];
}

/** The field of a visitor socket in the visitor's hash: `s:<socket id>` → ms of its last presence. */
const SOCKET_FIELD = 's:';

/**
 * Chat state kept in Redis beside MongoDB, shared by every API node and the workers: a visitor's
 * current chat, which visitors have a socket open (presence), and each team's waiting chats.
 * MongoDB stays the truth: a visitor's chat is found again from the tickets when Redis lost it.
 */
export class ChatState {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly Ticket: TicketModel,
  ) {}

  private visitorKey(vid: string) {
    return `${this.prefix}:chat:v:${vid}`;
  }
  private presenceKey(vid: string) {
    return `${this.prefix}:chat:present:${vid}`;
  }
  private waitingKey(team: string) {
    return `${this.prefix}:chat:waiting:${team}`;
  }

  async markNew(vid: string): Promise<void> {
    await this.redis.multi().hset(this.visitorKey(vid), 'known', '1').expire(this.visitorKey(vid), VISITOR_TTL_SEC).exec();
  }

  async chatOf(vid: string): Promise<VisitorChat> {
    const h = await this.redis.hgetall(this.visitorKey(vid));
    const sockets = this.socketsIn(vid, h);
    if (h.known) return { ticket: h.ticket ? Number(h.ticket) : null, last: h.last ? Number(h.last) : null, sockets };
    // Redis lost it (or never had it): the newest chat ticket of this visitor says.
    const t = await this.Ticket.findOne({ visitorId: vid, channel: 'chat' }, { number: 1, meta: 1 }).sort({ _id: -1 }).lean();
    const ended = !!(t?.meta as { chatEndedAt?: unknown } | undefined)?.chatEndedAt;
    const chat = { ticket: t && !ended ? t.number : null, last: t && ended ? t.number : null };
    await this.write(vid, chat);
    return { ...chat, sockets };
  }

  /** The fresh socket fields of a visitor's hash; stale ones (a node that died) are removed on the way. */
  private socketsIn(vid: string, h: Record<string, string>): string[] {
    const fresh: string[] = [];
    const stale: string[] = [];
    const since = Date.now() - PRESENCE_TTL_MS;
    for (const [k, v] of Object.entries(h)) if (k.startsWith(SOCKET_FIELD)) (Number(v) > since ? fresh : stale).push(k);
    if (stale.length) this.redis.hdel(this.visitorKey(vid), ...stale).catch(() => undefined); // tidying: the next read tries again
    return fresh.map((k) => k.slice(SOCKET_FIELD.length));
  }

  async setCurrent(vid: string, ticket: number): Promise<void> {
    await this.redis.multi().hset(this.visitorKey(vid), 'known', '1', 'ticket', String(ticket)).expire(this.visitorKey(vid), VISITOR_TTL_SEC).exec();
  }

  async end(vid: string, ticket: number): Promise<void> {
    await this.write(vid, { ticket: null, last: ticket });
  }

  /** The visitor's chat fields anew (the socket fields stay). */
  private async write(vid: string, chat: Omit<VisitorChat, 'sockets'>): Promise<void> {
    const key = this.visitorKey(vid);
    const m = this.redis.multi().hdel(key, 'ticket', 'last').hset(key, 'known', '1');
    if (chat.ticket) m.hset(key, 'ticket', String(chat.ticket));
    if (chat.last) m.hset(key, 'last', String(chat.last));
    await m.expire(key, VISITOR_TTL_SEC).exec();
  }

  // ---- presence: wall-clock liveness of sockets, not business time, so Date.now() ---------------

  async present(entries: { vid: string; socketId: string }[]): Promise<void> {
    if (!entries.length) return;
    const now = Date.now();
    const p = this.redis.pipeline();
    for (const e of entries) {
      p.zadd(this.presenceKey(e.vid), String(now), e.socketId).pexpire(this.presenceKey(e.vid), PRESENCE_TTL_MS * 2);
      // (a hash this creates, Redis having lost the visitor's, gets its lifetime from the next chatOf's write)
      p.hset(this.visitorKey(e.vid), SOCKET_FIELD + e.socketId, String(now));
    }
    await p.exec();
  }

  async absent(vid: string, socketId: string): Promise<void> {
    await this.redis.multi().zrem(this.presenceKey(vid), socketId).hdel(this.visitorKey(vid), SOCKET_FIELD + socketId).exec();
  }

  async isOnline(vid: string | null | undefined): Promise<boolean> {
    if (!vid) return false;
    const key = this.presenceKey(vid);
    const res = await this.redis.multi().zremrangebyscore(key, '-inf', String(Date.now() - PRESENCE_TTL_MS)).zcard(key).exec();
    return Number(res?.[1]?.[1] ?? 0) > 0;
  }

  // ---- the waiting queue: unassigned open chats of a team, oldest first ----------------------

  async enqueue(team: string, ticket: number, since: Date): Promise<void> {
    await this.redis.zadd(this.waitingKey(team), 'NX', String(since.getTime()), String(ticket));
  }

  async dequeue(team: string, ticket: number): Promise<boolean> {
    return (await this.redis.zrem(this.waitingKey(team), String(ticket))) > 0;
  }

  async position(team: string, ticket: number): Promise<number | null> {
    const rank = await this.redis.zrank(this.waitingKey(team), String(ticket));
    return rank === null ? null : rank + 1;
  }

  /** Replaces a team's waiting queue (a rebuild from MongoDB). */
  async replaceWaiting(team: string, chats: { ticket: number; since: Date }[]): Promise<void> {
    const multi = this.redis.multi().del(this.waitingKey(team));
    if (chats.length) multi.zadd(this.waitingKey(team), ...chats.flatMap((c) => [String(c.since.getTime()), String(c.ticket)]));
    await multi.exec();
  }

  async waiting(team: string, limit: number): Promise<number[]> {
    return (await this.redis.zrange(this.waitingKey(team), '0', String(limit - 1))).map(Number);
  }
}
