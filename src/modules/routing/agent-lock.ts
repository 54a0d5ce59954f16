import crypto from 'node:crypto';
import type { RedisClient } from '../../infra/redis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A short Redis lock per agent, so two API processes filling the same agent's chat capacity at
 * the same moment cannot both see one free slot and overfill it. The ticket itself is protected by
 * the conditional update; this only guards the agent's count.
 */
export class AgentLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async run<T>(agentId: string, fn: () => Promise<T>, waitMs = 5000): Promise<T | undefined> {
    const key = `${this.prefix}:routing:lock:${agentId}`;
    const token = crypto.randomBytes(8).toString('hex');
    const until = Date.now() + waitMs;
    while ((await this.redis.set(key, token, 'PX', 10_000, 'NX')) !== 'OK') {
      if (Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 15));
    }
    try {
      return await fn();
    } finally {
      await this.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}
