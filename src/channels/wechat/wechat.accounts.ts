import { NotFoundError, ValidationError } from '../../errors';
import type { SecretBox } from '../../infra/secrets';
import { WechatCipher, WechatCryptoError } from './wechat.crypto';
import type { WechatAccountFields, WechatAccountModel } from './wechat.model';

/** An account ready to use: the stored fields with its key, secrets opened. */
export type WechatAccount = Omit<WechatAccountFields, '_id' | 'updatedAt'> & { key: string };

export interface WechatAccountInput {
  name?: string;
  appId: string;
  token: string;
  secret?: string;
  aesKey?: string;
  mode?: 'plain' | 'compat' | 'safe';
  team?: string;
  active?: boolean;
}

const TTL_MS = 5000;

/**
 * The Official Accounts: `default` from WECHAT_* (the environment wins over stored settings for
 * it), more from the admin API. Read on every push, so cached for a few seconds.
 */
export class WechatAccounts {
  private cache = new Map<string, { at: number; account: WechatAccount | null }>();

  constructor(
    private readonly Account: WechatAccountModel,
    private readonly box: SecretBox,
    private readonly teams: { exists(key: string): Promise<boolean> },
    private readonly fromEnv?: { token: string; appId?: string; secret?: string; aesKey?: string },
  ) {}

  async get(key: string): Promise<WechatAccount | null> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.account;
    const doc = await this.Account.findById(key).lean();
    const account = this.merge(key, doc);
    this.cache.set(key, { at: Date.now(), account });
    return account;
  }

  async require(key: string): Promise<WechatAccount> {
    const a = await this.get(key);
    if (!a || !a.active) throw new NotFoundError(`WeChat account ${key}`);
    return a;
  }

  async list(): Promise<WechatAccount[]> {
    const docs = await this.Account.find({}).sort({ _id: 1 }).lean();
    const out = docs.map((d) => this.merge(d._id, d)!).filter(Boolean);
    if (this.fromEnv && !out.some((a) => a.key === 'default')) out.unshift(this.merge('default', null)!);
    return out;
  }

  /** Creates or replaces an account; a secret left out keeps the stored one (secrets are write-only). */
  async put(key: string, input: WechatAccountInput): Promise<WechatAccount> {
    if (input.team && !(await this.teams.exists(input.team))) throw new ValidationError(`Unknown team ${input.team}`);
    const existing = await this.Account.findById(key).lean();
    const aesKey = input.aesKey ?? (existing?.aesKey ? this.box.open(existing.aesKey) : null);
    const mode = input.mode ?? existing?.mode ?? (aesKey ? 'safe' : 'plain');
    if (mode !== 'plain' && !aesKey) throw new ValidationError('Safe and compatible mode need the EncodingAESKey (aesKey)');
    if (aesKey) {
      try {
        new WechatCipher(aesKey, input.appId);
      } catch (err) {
        if (err instanceof WechatCryptoError) throw new ValidationError(err.message);
        throw err;
      }
    }
    const set: Partial<WechatAccountFields> = {
      name: input.name ?? existing?.name ?? '',
      appId: input.appId,
      token: input.token,
      mode,
      team: input.team ?? existing?.team ?? 'support',
      active: input.active ?? existing?.active ?? true,
    };
    if (input.secret !== undefined) set.secret = this.box.seal(input.secret);
    if (input.aesKey !== undefined) set.aesKey = this.box.seal(input.aesKey);
    await this.Account.updateOne({ _id: key }, { $set: set }, { upsert: true });
    this.cache.delete(key);
    return (await this.get(key))!;
  }

  private merge(key: string, doc: WechatAccountFields | null): WechatAccount | null {
    const env = key === 'default' ? this.fromEnv : undefined;
    if (!doc && !env) return null;
    const open = (v: string | null | undefined) => (v ? this.box.open(v) : null);
    const aesKey = env?.aesKey ?? open(doc?.aesKey);
    return {
      key,
      name: doc?.name || (key === 'default' ? 'Official Account' : key),
      appId: env?.appId ?? doc?.appId ?? '',
      token: env?.token ?? doc!.token,
      secret: env?.secret ?? open(doc?.secret),
      aesKey,
      mode: env ? (aesKey ? (doc?.mode ?? 'safe') : 'plain') : (doc?.mode ?? 'plain'),
      team: doc?.team ?? 'support',
      active: doc?.active ?? true,
    };
  }
}

/** What the API shows: secrets never, only whether they are set. */
export function serializeAccount(a: WechatAccount) {
  return { key: a.key, name: a.name, appId: a.appId, mode: a.mode, team: a.team, active: a.active, hasToken: !!a.token, hasSecret: !!a.secret, hasAesKey: !!a.aesKey, webhookPath: `/webhooks/wechat/${a.key}` };
}
