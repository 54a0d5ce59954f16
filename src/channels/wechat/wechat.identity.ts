import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import type { Actor, Locale } from '../../core/types';
import type { Clock } from '../../infra/clock';
import { sameSecret } from '../../infra/secrets';
import type { Logger } from '../../logger';
import type { AuditLog } from '../../modules/audit/audit.service';
import { type CustomerService, normalizePhone } from '../../modules/customers/customer.service';
import type { TicketUpdates } from '../../modules/tickets/ticket.updates';
import type { WechatAccounts } from './wechat.accounts';
import type { WechatApi } from './wechat.api';
import type { WechatModels, WechatUserFields } from './wechat.model';
import { WechatText, wechatText } from './wechat.texts';
import type { WechatPush } from './wechat.xml';

const CODE_TTL_MS = 10 * 60_000;
const MAX_TRIES = 5;
const BIND = /^\s*(?:绑定|綁定|bind)\s*[:：]?\s*(\+?[\d\s-]{7,20})\s*$/i;
const CODE = /^\s*(\d{6})\s*$/;
/** who links the records: on the customer's merge record and each moved ticket's audit trail */
const VERIFIER: Actor = { type: 'system', name: 'WeChat phone verification' };

export interface CodeSender {
  send(to: { phone: string }, template: 'verify-code', vars: { code: string }, locale?: Locale, opts?: { reference?: string }): Promise<unknown>;
}

export interface WechatIdentityDeps {
  models: WechatModels;
  customers: Pick<CustomerService, 'get' | 'findByContact' | 'merge' | 'update'>;
  updates: Pick<TicketUpdates, 'moveCustomer'>;
  audit: Pick<AuditLog, 'record'>;
  accounts: WechatAccounts;
  api: WechatApi;
  /** SmsService; without it phones cannot be verified (and are never linked unverified) */
  sms: CodeSender | null;
  clock: Clock;
  log: Logger;
}

/**
 * Links a WeChat customer to the customer record of a phone number only after they prove it: "绑定
 * 13800138000" sends a code to that phone by SMS, and the six digits sent back within ten minutes
 * link the two (the WeChat record is merged into the phone's customer). A number typed in a
 * message is never trusted by itself: anyone can type anyone's number.
 */
export class WechatIdentity {
  constructor(private readonly d: WechatIdentityDeps) {}

  /** True when the push was a step of the verification (it then opens no ticket). */
  async handle(user: WechatUserFields, push: WechatPush): Promise<boolean> {
    if (push.kind !== 'text') return false;
    const bind = BIND.exec(push.content);
    const code = CODE.exec(push.content);
    if (bind) return this.start(user, bind[1]).then(() => true);
    if (code && user.pendingPhone) return this.finish(user, code[1]).then(() => true);
    return false;
  }

  private async start(user: WechatUserFields, typed: string): Promise<void> {
    const locale = await this.locale(user);
    const phone = normalizePhone(typed.startsWith('+') ? typed : /^1\d{10}$/.test(typed.replace(/\D/g, '')) ? `+86${typed.replace(/\D/g, '')}` : typed);
    if (!/^\+\d{8,15}$/.test(phone)) return this.say(user, locale, 'badPhone');
    if (!this.d.sms) return this.say(user, locale, 'smsUnavailable');
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    await this.d.models.WechatUser.updateOne({ _id: user._id }, { $set: { pendingPhone: { phone, codeHash: hash(user._id, code), expiresAt: new Date(this.d.clock.now().getTime() + CODE_TTL_MS), tries: 0 } } });
    try {
      await this.d.sms.send({ phone }, 'verify-code', { code }, locale, { reference: `wechat-verify:${user._id}:${this.d.clock.now().getTime()}` });
    } catch (err) {
      this.d.log.warn({ err: (err as Error).message }, 'verification code not sent');
      return this.say(user, locale, 'smsUnavailable');
    }
    await this.say(user, locale, 'codeSent', { phone: masked(phone) });
  }

  private async finish(user: WechatUserFields, code: string): Promise<void> {
    const locale = await this.locale(user);
    const p = user.pendingPhone!;
    // one try per message, counted before the comparison, so guesses are capped even when racing
    const counted = await this.d.models.WechatUser.findOneAndUpdate({ _id: user._id, 'pendingPhone.tries': { $lt: MAX_TRIES } }, { $inc: { 'pendingPhone.tries': 1 } }, { new: true }).lean();
    if (!counted || new Date(p.expiresAt).getTime() < this.d.clock.now().getTime()) {
      await this.d.models.WechatUser.updateOne({ _id: user._id }, { $set: { pendingPhone: null } });
      return this.say(user, locale, 'expired');
    }
    if (!sameSecret(hash(user._id, code), p.codeHash)) return this.say(user, locale, 'wrongCode');

    const mine = String(user.customerId);
    const owner = await this.d.customers.findByContact({ phone: p.phone });
    let customerId: Types.ObjectId;
    if (owner && String(owner._id) !== mine) {
      // the phone's customer is the record: the WeChat one (its tickets, its contacts) joins it
      const from = await this.d.customers.get(mine);
      const merged = await this.d.customers.merge(owner, from, VERIFIER, async (f, i) => {
        const moved = await this.d.updates.moveCustomer(f, i);
        for (const t of moved) await this.d.audit.record(t, VERIFIER, 'customer_merged', { customer: [String(f), String(i)] });
        return moved.map((t) => t.number);
      });
      customerId = merged._id;
    } else {
      customerId = (await this.d.customers.update(mine, { phones: [p.phone] }))._id;
    }
    await this.d.models.WechatUser.updateOne({ _id: user._id }, { $set: { customerId, verifiedPhone: p.phone, pendingPhone: null } });
    await this.say(user, locale, 'linked', { phone: masked(p.phone) });
  }

  private async locale(user: WechatUserFields): Promise<Locale> {
    const c = await this.d.customers.get(String(user.customerId)).catch(() => null);
    return (c?.locale as Locale) ?? 'zh-CN';
  }

  /** An answer to the customer through the customer-service API (they just wrote: the window is open). */
  private async say(user: WechatUserFields, locale: Locale, key: WechatText, vars: Record<string, string> = {}): Promise<void> {
    const account = await this.d.accounts.get(user.account);
    if (!account?.secret) return;
    const text = wechatText(locale, key, vars);
    await this.d.api.sendText({ appId: account.appId, secret: account.secret }, user.openId, text).catch((err: Error) => this.d.log.warn({ err: err.message }, 'wechat answer not sent'));
  }
}

function hash(userId: string, code: string): string {
  return crypto.createHash('sha256').update(`${userId}:${code}`).digest('hex');
}

function masked(phone: string): string {
  return phone.length > 7 ? `${phone.slice(0, phone.length - 8)}****${phone.slice(-4)}` : phone;
}
