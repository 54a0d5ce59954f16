import crypto from 'node:crypto';
import type { RedisClient } from '../../infra/redis';
import { AppError } from '../../errors';
import type { MailOutbox } from '../../mail/outbox';
import type { Locale } from '../../core/types';
import { sameSecret } from '../../infra/secrets';

const CODE_TTL_SEC = 15 * 60;
const VERIFIED_TTL_SEC = 30 * 24 * 3600;
const MAX_TRIES = 5;

/**
 * A chat visitor proves an email address by a code mailed to it (`email:verify`, then
 * `email:confirm`). Only a proven address gets the chat transcript (which holds the visitor's own
 * words) and marks the chat's identity verified for the agents. The code mail's text is fixed:
 * nothing the visitor typed goes into it, so the door cannot carry someone's words to a stranger.
 * Codes and proven addresses live in Redis (`<prefix>:chat:verify:<vid>`, `<prefix>:chat:verified:<vid>`).
 */
export class ChatVerification {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly outbox: MailOutbox,
  ) {}

  async request(vid: string, email: string, locale: Locale): Promise<void> {
    const address = email.trim().toLowerCase();
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const nonce = crypto.randomBytes(6).toString('hex');
    await this.redis.multi().del(this.pendingKey(vid)).hset(this.pendingKey(vid), 'email', address, 'code', digest(vid, code), 'tries', '0').expire(this.pendingKey(vid), CODE_TTL_SEC).exec();
    await this.outbox.send({ to: address, template: 'chat-verify', locale, data: { code } }, `chat-verify-${vid}-${nonce}`);
  }

  /** The proven address, or 403 `wrong_code` (and after MAX_TRIES the code is void). */
  async confirm(vid: string, code: string): Promise<string> {
    const key = this.pendingKey(vid);
    const pending = await this.redis.hgetall(key);
    const tries = pending.code ? await this.redis.hincrby(key, 'tries', 1) : 0;
    if (!pending.code || tries > MAX_TRIES) {
      await this.redis.del(key);
      throw new AppError(403, 'wrong_code', 'No code is waiting, or it expired; ask for a new one');
    }
    if (!sameSecret(digest(vid, code.trim()), pending.code)) throw new AppError(403, 'wrong_code', 'That code is not right');
    await this.redis.multi().del(key).set(this.verifiedKey(vid), pending.email, 'EX', VERIFIED_TTL_SEC).exec();
    return pending.email;
  }

  async verified(vid: string): Promise<string | null> {
    return this.redis.get(this.verifiedKey(vid));
  }

  private pendingKey(vid: string): string {
    return `${this.prefix}:chat:verify:${vid}`;
  }
  private verifiedKey(vid: string): string {
    return `${this.prefix}:chat:verified:${vid}`;
  }
}

function digest(vid: string, code: string): string {
  return crypto.createHash('sha256').update(`${vid}:${code}`).digest('hex');
}
