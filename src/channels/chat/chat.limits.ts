import type { RedisClient } from '../../infra/redis';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { redisLimiter, take } from '../../infra/rate-limit';

/**
 * What one client may do on the anonymous /chat door, kept in Redis so the limits hold across
 * every API node. Keys are the client's address (ClientIp: the socket's peer unless TRUST_PROXY
 * names the proxies), the connection (socket id) and the visitor id: a fresh connection without a
 * token is a new visitor, so per-visitor limits alone bound nothing.
 *
 * Redis keys: `<prefix>:rl:chat-<name>:<key>`; names and budgets below.
 */
export const CHAT_LIMITS = {
  /** connections per address, with or without a token */
  connectIp: { points: 60, sec: 600 },
  /** new visitors (connections without a valid token) per address */
  newVisitorIp: { points: 20, sec: 3600 },
  /** messages per connection, per visitor and per address */
  messageSocket: { points: 20, sec: 10 },
  messageVisitor: { points: 20, sec: 10 },
  messageIp: { points: 120, sec: 60 },
  /** chats and tickets opened (first messages, callback requests, offline messages) per address */
  openIp: { points: 10, sec: 3600 },
  /** callbacks scheduled per address and per visitor */
  callbackIp: { points: 5, sec: 3600 },
  callbackVisitor: { points: 3, sec: 24 * 3600 },
  /** verification codes mailed per address, per visitor and per mail address; code guesses per visitor */
  verifyIp: { points: 5, sec: 3600 },
  verifyVisitor: { points: 3, sec: 3600 },
  verifyAddress: { points: 3, sec: 3600 },
  confirmVisitor: { points: 10, sec: 3600 },
  /** other actions (end, rate) per visitor */
  actionVisitor: { points: 10, sec: 60 },
} as const;

export type ChatLimitName = keyof typeof CHAT_LIMITS;

const MESSAGES: Partial<Record<ChatLimitName, string>> = {
  connectIp: 'Too many connections from your address; try again later',
  newVisitorIp: 'Too many new chats from your address; try again later',
  openIp: 'Too many new conversations from your address; try again later',
  callbackIp: 'Too many callback requests; try again later',
  callbackVisitor: 'Too many callback requests; try again later',
  verifyIp: 'Too many verification mails; try again later',
  verifyVisitor: 'Too many verification mails; try again later',
  verifyAddress: 'Too many verification mails to this address; try again later',
  confirmVisitor: 'Too many wrong codes; ask for a new one later',
};

export class ChatLimits {
  private readonly limiters = new Map<ChatLimitName, RateLimiterRedis>();

  constructor(redis: RedisClient, prefix: string) {
    for (const [name, l] of Object.entries(CHAT_LIMITS) as [ChatLimitName, { points: number; sec: number }][]) {
      this.limiters.set(name, redisLimiter(redis, prefix, `chat-${name}`, l.points, l.sec));
    }
  }

  /** Takes one point of each named limit for its key, in order; the first one spent answers 429. */
  async take(...spends: [ChatLimitName, string][]): Promise<void> {
    for (const [name, key] of spends) await take(this.limiters.get(name)!, key, MESSAGES[name] ?? 'Too many messages; wait a moment');
  }
}
