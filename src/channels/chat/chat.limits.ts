import { TooManyRequestsError } from '../../errors';
import type { RedisClient } from '../../infra/redis';

/**
 * What one client may do on the anonymous /chat door, kept in Redis so the limits hold across
 * every API node. Keys are the client's address (ClientIp: the socket's peer unless TRUST_PROXY
 * names the proxies), the connection (socket id) and the visitor id: a fresh connection without a
 * token is a new visitor, so per-visitor limits alone bound nothing.
 *
 * Redis keys: `<prefix>:rl:chat-<name>:<key>`; names and budgets below. The keys and their
 * counting are rate-limiter-flexible's (RateLimiterRedis, src/infra/rate-limit.ts); the limits of
 * one event are taken in one script, so a chat message costs one Redis round trip, not three.
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

/**
 * For each key in order, rate-limiter-flexible's counting (a counter that lives `sec` seconds from
 * its first point): INCR, EXPIRE when the key is new, and PTTL (EXPIRE too, had it lost its
 * expiry) only for the key that is spent — one or two commands per key, not three or four. The first key over its points
 * stops the script, later keys are not spent.
 * Answers {0, 0}, or {i, ms before the i-th key (1-based) frees a point}.
 */
const TAKE_LUA = `
for i = 1, #KEYS do
  local points = tonumber(ARGV[2 * i - 1])
  local sec = tonumber(ARGV[2 * i])
  local consumed = redis.call('incr', KEYS[i])
  if consumed == 1 then
    redis.call('expire', KEYS[i], sec)
  elseif consumed > points then
    local ttl = redis.call('pttl', KEYS[i])
    if ttl == -1 then
      redis.call('expire', KEYS[i], sec)
      ttl = 1000 * sec
    end
    return {i, ttl}
  end
end
return {0, 0}`;

type TakeCommand = (n: number, ...keysThenArgs: string[]) => Promise<[number, number]>;

export class ChatLimits {
  private readonly run: TakeCommand;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    // EVALSHA with the script loaded on first use (ioredis' defineCommand)
    if (!(redis as unknown as Record<string, unknown>).aftercareChatTake) redis.defineCommand('aftercareChatTake', { lua: TAKE_LUA });
    const cmd = (redis as unknown as { aftercareChatTake: TakeCommand }).aftercareChatTake;
    this.run = (n, ...rest) => cmd.call(redis, n, ...rest);
  }

  /** Takes one point of each named limit for its key, in order; the first one spent answers 429. */
  async take(...spends: [ChatLimitName, string][]): Promise<void> {
    if (!spends.length) return;
    const keys = spends.map(([name, key]) => `${this.prefix}:rl:chat-${name}:${key}`);
    const args = spends.flatMap(([name]) => [String(CHAT_LIMITS[name].points), String(CHAT_LIMITS[name].sec)]);
    const [over, ms] = await this.run(keys.length, ...keys, ...args);
    if (over > 0) {
      const name = spends[over - 1][0];
      throw new TooManyRequestsError(MESSAGES[name] ?? 'Too many messages; wait a moment', Math.max(1, Math.ceil(Number(ms) / 1000)));
    }
  }
}
