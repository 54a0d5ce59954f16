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
  /**
   * The version read in flight: callers of the same event-loop turn share one GET (a chat batch's
   * observers, ~200 tickets at once); a caller of a later turn reads anew.
   */
  private reading: Promise<string | null> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly load: () => Promise<T>,
  ) {}

  async get(): Promise<T> {
    let version: string | null;
    try {
      version = (await this.readVersion()) ?? '0';
    } catch {
      return this.load();
    }
    if (this.value !== undefined && version === this.version) return this.value;
    const value = await this.load();
    this.value = value;
    this.version = version;
    return value;
  }

  private readVersion(): Promise<string | null> {
    if (!this.reading) {
      const r = this.redis.get(this.key);
      this.reading = r;
      const clear = () => {
        if (this.reading === r) this.reading = null;
      };
      r.then(clear, clear);
      setImmediate(clear);
    }
    return this.reading;
  }

  async invalidate(): Promise<void> {
    this.value = undefined;
    this.reading = null;
    await this.redis.incr(this.key).catch(() => undefined);
  }
}
