import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../../infra/redis';
import { Types } from 'mongoose';
import { NotFoundError } from '../../errors';
import type { Clock } from '../../infra/clock';
import { configVersionKey, VersionedCache } from '../../infra/versioned-cache';
import type { Principal } from '../auth/principal';
import type { WebhookDoc, WebhookModel } from './webhook.model';
import type { WebhookPayload } from './webhook.payloads';
import type { WebhookSecrets } from './webhook.secrets';
import { checkTarget } from './webhook.target';

const iso = (d?: Date | null) => (d ? new Date(d).toISOString() : null);

export function serializeWebhook(w: WebhookDoc, now: Date): WebhookPayload {
  return {
    id: String(w._id),
    url: w.url,
    events: [...w.events],
    description: w.description ?? '',
    active: w.active,
    consecutiveFailures: w.consecutiveFailures ?? 0,
    disabledAt: iso(w.disabledAt),
    disabledReason: w.disabledReason ?? null,
    secrets: w.secrets.filter((s) => !s.expiresAt || s.expiresAt > now).map((s) => ({ id: s.id, hint: s.hint ?? '', createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt) })),
    createdAt: iso((w as unknown as { createdAt?: Date }).createdAt),
  };
}

export interface WebhookInput {
  url: string;
  events: string[];
  description?: string;
  active?: boolean;
}

/** A subscription as the delivery side reads it (cached): where, which events, and the secrets to sign with. */
export interface ActiveWebhook {
  id: string;
  url: string;
  events: string[];
}

export interface WebhookServiceDeps {
  Webhook: WebhookModel;
  secrets: WebhookSecrets;
  redis: RedisClient;
  prefix: string;
  clock: Clock;
  allowPrivate: boolean;
}

/**
 * Webhook subscriptions: a URL, the events it wants, and its signing secrets. The secret is shown
 * once, when the webhook is created or rotated; a rotation keeps the old secret valid for a while
 * (both sign every message meanwhile), so the receiver can switch without losing a message.
 */
export class WebhookService {
  private readonly cache: VersionedCache<ActiveWebhook[]>;

  constructor(private readonly d: WebhookServiceDeps) {
    this.cache = new VersionedCache(d.redis, configVersionKey(d.prefix, 'webhooks'), async () =>
      (await d.Webhook.find({ active: true }, { url: 1, events: 1 }).limit(1000).lean()).map((w) => ({ id: String(w._id), url: w.url, events: w.events })),
    );
  }

  /** The active webhooks subscribed to an event. */
  async subscribed(event: string): Promise<ActiveWebhook[]> {
    return (await this.cache.get()).filter((w) => w.events.includes(event));
  }

  async list(): Promise<WebhookPayload[]> {
    const now = this.d.clock.now();
    return (await this.d.Webhook.find({}).sort({ _id: 1 }).limit(1000)).map((w) => serializeWebhook(w, now));
  }

  async doc(id: string): Promise<WebhookDoc> {
    const w = Types.ObjectId.isValid(id) ? await this.d.Webhook.findById(id) : null;
    if (!w) throw new NotFoundError('Webhook');
    return w;
  }

  async get(id: string): Promise<WebhookPayload> {
    return serializeWebhook(await this.doc(id), this.d.clock.now());
  }

  async exists(id: string): Promise<boolean> {
    return Types.ObjectId.isValid(id) && !!(await this.d.Webhook.exists({ _id: id }));
  }

  private newSecret(): { plain: string; stored: { id: string; enc: string; hint: string; createdAt: Date; expiresAt: null } } {
    const plain = this.d.secrets.generate();
    return { plain, stored: { id: randomUUID(), enc: this.d.secrets.encrypt(plain), hint: `${plain.slice(0, 10)}…`, createdAt: this.d.clock.now(), expiresAt: null } };
  }

  async create(input: WebhookInput, principal: Principal): Promise<WebhookPayload & { secret: string }> {
    await checkTarget(input.url, this.d.allowPrivate);
    const { plain, stored } = this.newSecret();
    const w = await this.d.Webhook.create({ url: input.url, events: [...new Set(input.events)], description: input.description ?? '', active: input.active ?? true, secrets: [stored], createdBy: principal.id });
    await this.cache.invalidate();
    return { ...serializeWebhook(w, this.d.clock.now()), secret: plain };
  }

  async update(id: string, input: Partial<WebhookInput>): Promise<WebhookPayload> {
    const w = await this.doc(id);
    if (input.url !== undefined) await checkTarget(input.url, this.d.allowPrivate);
    const set: Record<string, unknown> = {};
    if (input.url !== undefined) set.url = input.url;
    if (input.events !== undefined) set.events = [...new Set(input.events)];
    if (input.description !== undefined) set.description = input.description;
    if (input.active !== undefined) {
      set.active = input.active;
      // enabled again by hand: the failure streak starts over
      if (input.active && !w.active) Object.assign(set, { consecutiveFailures: 0, disabledAt: null, disabledReason: null });
    }
    const updated = await this.d.Webhook.findOneAndUpdate({ _id: w._id }, { $set: set }, { new: true });
    await this.cache.invalidate();
    return serializeWebhook(updated!, this.d.clock.now());
  }

  async remove(id: string): Promise<void> {
    const w = await this.doc(id);
    await this.d.Webhook.deleteOne({ _id: w._id });
    await this.cache.invalidate();
  }

  /** A new secret, shown once; the current ones stay valid for `keepOldMs` (then only the new one signs). */
  async rotate(id: string, keepOldMs: number): Promise<WebhookPayload & { secret: string }> {
    const w = await this.doc(id);
    const now = this.d.clock.now();
    const until = new Date(now.getTime() + keepOldMs);
    const kept = w.secrets
      .filter((s) => !s.expiresAt || s.expiresAt > now)
      .map((s) => ({ id: s.id, enc: s.enc, hint: s.hint, createdAt: s.createdAt, expiresAt: s.expiresAt && s.expiresAt < until ? s.expiresAt : until }));
    const { plain, stored } = this.newSecret();
    const updated = await this.d.Webhook.findOneAndUpdate({ _id: w._id }, { $set: { secrets: [...kept, stored] } }, { new: true });
    return { ...serializeWebhook(updated!, now), secret: plain };
  }

  /** The secrets that sign a message now (the new one and, during a rotation, the old ones). */
  signingSecrets(w: WebhookDoc): string[] {
    const now = this.d.clock.now();
    return w.secrets.filter((s) => !s.expiresAt || s.expiresAt > now).map((s) => this.d.secrets.decrypt(s.enc));
  }

  /** A delivered attempt: the failure streak ends. */
  async succeeded(id: string): Promise<void> {
    await this.d.Webhook.updateOne({ _id: id, consecutiveFailures: { $ne: 0 } }, { $set: { consecutiveFailures: 0 } });
  }

  /** A failed attempt: one more in the streak; answers the webhook after it. */
  async failedAttempt(id: string): Promise<WebhookDoc | null> {
    return this.d.Webhook.findOneAndUpdate({ _id: id }, { $inc: { consecutiveFailures: 1 } }, { new: true });
  }

  /** Disables an active webhook; true for the one caller that did it (a conditional update). */
  async disable(id: string, reason: string): Promise<boolean> {
    const res = await this.d.Webhook.updateOne({ _id: id, active: true }, { $set: { active: false, disabledAt: this.d.clock.now(), disabledReason: reason.slice(0, 300) } });
    if (res.modifiedCount) await this.cache.invalidate();
    return res.modifiedCount === 1;
  }
}
