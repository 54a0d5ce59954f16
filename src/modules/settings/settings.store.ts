import type { RedisClient } from '../../infra/redis';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { Clock } from '../../infra/clock';
import type { SettingModel } from './setting.model';

/**
 * One settings area kept in MongoDB (read by `_id`) with defaults from the code: what is stored
 * overrides the defaults field by field. Every process reads it through a versioned cache, so a
 * change in the console reaches every API node and worker on its next read.
 */
export class SettingsStore<T extends object> {
  private readonly cache: VersionedCache<T>;

  constructor(
    private readonly Setting: SettingModel,
    private readonly area: string,
    private readonly defaults: T,
    redis: RedisClient,
    prefix: string,
    private readonly clock: Clock,
  ) {
    this.cache = new VersionedCache(redis, configVersionKey(prefix, `settings-${area}`), async () => {
      const doc = await this.Setting.findById(this.area).lean();
      return { ...this.defaults, ...((doc?.value as Partial<T> | undefined) ?? {}) };
    });
  }

  get(): Promise<T> {
    return this.cache.get();
  }

  /** Stores the whole value (after the caller validated it); answers what every reader now sees. */
  async set(value: T): Promise<T> {
    await this.Setting.updateOne({ _id: this.area }, { $set: { value, updatedAt: this.clock.now() } }, { upsert: true });
    await this.cache.invalidate();
    return this.get();
  }
}
