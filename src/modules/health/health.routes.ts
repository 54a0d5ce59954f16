import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { RedisClient } from '../../infra/redis';
import { pingMongo } from '../../infra/mongo';

async function pingRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  try {
    await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs))]);
    return true;
  } catch {
    return false;
  }
}

/** GET /health: 200 when both stores answer, 503 naming the one that does not. */
export function healthRoutes(conn: Connection, redis: RedisClient): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    const [mongo, red] = await Promise.all([pingMongo(conn), pingRedis(redis)]);
    const ok = mongo && red;
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', mongo: mongo ? 'up' : 'down', redis: red ? 'up' : 'down' });
  });
  return r;
}
