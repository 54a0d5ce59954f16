import type { RedisClient } from '../../infra/redis';
import type { Clock } from '../../infra/clock';
import { Realtime, rooms } from '../../realtime/realtime';

const TYPING_TTL_MS = 8000;
const KEY_TTL_SEC = 12 * 3600;

export interface Viewer {
  id: string;
  name: string;
}

/**
 * Who has a ticket open and who is typing on it, kept in Redis per socket (so two API processes
 * share one picture) and broadcast to the ticket's room as `presence:ticket`.
 */
export class TicketViewers {
  constructor(
    private readonly d: { redis: RedisClient; prefix: string; realtime: Realtime; clock: Clock },
  ) {}

  private viewersKey(n: number) {
    return `${this.d.prefix}:viewers:${n}`;
  }
  private typingKey(n: number) {
    return `${this.d.prefix}:typing:${n}`;
  }

  async join(n: number, socketId: string, who: Viewer): Promise<void> {
    await this.d.redis.multi().hset(this.viewersKey(n), socketId, JSON.stringify(who)).expire(this.viewersKey(n), KEY_TTL_SEC).exec();
    await this.broadcast(n);
  }

  async leave(n: number, socketId: string): Promise<void> {
    await this.d.redis.multi().hdel(this.viewersKey(n), socketId).hdel(this.typingKey(n), socketId).exec();
    await this.broadcast(n);
  }

  async typing(n: number, socketId: string, who: Viewer, typing: boolean): Promise<void> {
    if (typing) await this.d.redis.multi().hset(this.typingKey(n), socketId, JSON.stringify({ ...who, at: this.d.clock.now().getTime() })).expire(this.typingKey(n), KEY_TTL_SEC).exec();
    else await this.d.redis.hdel(this.typingKey(n), socketId);
    await this.broadcast(n);
  }

  async state(n: number): Promise<{ ticketNumber: number; viewers: Viewer[]; typing: Viewer[] }> {
    const [viewers, typing] = await Promise.all([this.d.redis.hvals(this.viewersKey(n)), this.d.redis.hvals(this.typingKey(n))]);
    const fresh = this.d.clock.now().getTime() - TYPING_TTL_MS;
    const unique = (list: Viewer[]) => [...new Map(list.map((v) => [v.id, { id: v.id, name: v.name }])).values()];
    return {
      ticketNumber: n,
      viewers: unique(viewers.map((v) => JSON.parse(v) as Viewer)),
      typing: unique(typing.map((v) => JSON.parse(v) as Viewer & { at: number }).filter((v) => v.at >= fresh)),
    };
  }

  async broadcast(n: number): Promise<void> {
    if (this.d.redis.status !== 'ready') return; // shutting down
    this.d.realtime.toRoom(rooms.ticket(n), 'presence:ticket', await this.state(n));
  }
}
