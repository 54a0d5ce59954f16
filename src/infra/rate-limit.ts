import type { RedisClient } from './redis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors';

/**
 * A limit kept in Redis, so it holds across every API node: `points` per `durationSec` for one key,
 * under `<prefix>:rl:<name>:<key>`. Consuming is one atomic step in Redis: of N concurrent
 * attempts, exactly `points` get through, whatever the timing.
 */
export function redisLimiter(redis: RedisClient, prefix: string, name: string, points: number, durationSec: number): RateLimiterRedis {
  return new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:rl:${name}`, points, duration: durationSec, useRedisPackage: false });
}

/** Takes `points` from `key`'s budget, or throws a 429 with `message` and Retry-After. */
export async function take(limiter: RateLimiterRedis, key: string, message: string, points = 1): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new TooManyRequestsError(message, Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    throw err;
  }
}
