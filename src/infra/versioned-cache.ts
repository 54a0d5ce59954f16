import type { RedisClient } from './redis';

export function configVersionKey(prefix: string, name: string): string {
  return `${prefix}:cfgver:${name}`;
}

/** Tells every process that the configuration `name` changed (after the write to MongoDB). */
export async function bumpConfigVersion(redis: RedisClient, prefix: string, name: string): Promise<void> {
  await redis.incr(configVersionKey(prefix, name));
}

/**
 * A process-local copy of rarely changing configuration (SLA policies, calendars) that every hot
 * path reads: one Redis GET of a version counter instead of a MongoDB query. Writers bump the
 * counter after saving, so every process reloads on its next read. Without Redis it reads through.
 */
export class VersionedCache<T> {
  private value: T | undefined;
  private version: string | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly load: () => Promise<T>,
  ) {}

  async get(): Promise<T> {
    let version: string | null;
    try {
      version = (await this.redis.get(this.key)) ?? '0';
    } catch {
      return this.load();
    }
    if (this.value !== undefined && version === this.version) return this.value;
    const value = await this.load();
    this.value = value;
    this.version = version;
    return value;
  }

  async invalidate(): Promise<void> {
    this.value = undefined;
    await this.redis.incr(this.key).catch(() => undefined);
  }
}
