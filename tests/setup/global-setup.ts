import { startMongo, startRedis, StoreHandle } from '../../scripts/lib/embedded-stores';

/** Throwaway stores for the whole run, unless MONGODB_URI / REDIS_URL point at existing servers. */
export default async function globalSetup(): Promise<void> {
  const handles: StoreHandle[] = [];
  const [mongo, redis] = await Promise.all([
    process.env.MONGODB_URI ? null : startMongo({ maxHeap: '1g' }),
    process.env.REDIS_URL ? null : startRedis(),
  ]);
  if (mongo) {
    handles.push(mongo);
    process.env.MONGODB_URI = mongo.url;
  }
  if (redis) {
    handles.push(redis);
    process.env.REDIS_URL = redis.url;
  }
  (globalThis as { __STORES__?: StoreHandle[] }).__STORES__ = handles;
}
