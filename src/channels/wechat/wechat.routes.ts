import express, { Router } from 'express';
import { z } from 'zod';
import { AppError, ForbiddenError, UnauthorizedError, ValidationError } from '../../errors';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketService } from '../../modules/tickets/ticket.service';
import { serializeAccount, WechatAccount, WechatAccounts } from './wechat.accounts';
import { sameSignature, WechatCipher, WechatCryptoError, wechatSignature } from './wechat.crypto';
import type { WechatDelivery } from './wechat.delivery';
import type { WechatInbound } from './wechat.inbound';
import { MAX_XML_BYTES, parseXmlFields, WechatXmlError } from './wechat.xml';

/** A push older or newer than this (WeChat's clock against ours) is a replay, not a retry. */
const MAX_SKEW_S = 300;

const accountParam = z.strictObject({ account: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'lowercase letters, digits, - and _') });
const signedQuery = z.looseObject({
  signature: z.string().regex(/^[0-9a-f]{40}$/i).optional(),
  timestamp: z.string().regex(/^\d{1,12}$/).optional(),
  nonce: z.string().max(64).optional(),
  echostr: z.string().max(256).optional(),
  openid: z.string().max(128).optional(),
  encrypt_type: z.enum(['aes', 'raw']).optional(),
  msg_signature: z.string().regex(/^[0-9a-f]{40}$/i).optional(),
});
type SignedQuery = z.output<typeof signedQuery>;

const accountBody = z.strictObject({
  name: z.string().max(100).optional(),
  appId: z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'the AppID of the Official Account'),
  token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, '3 to 32 letters or digits, as set in the WeChat console'),
  secret: z.string().min(8).max(128).optional().describe('AppSecret; write-only, left out keeps the stored one'),
  aesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'the 43-character EncodingAESKey').optional().describe('write-only'),
  mode: z.enum(['plain', 'compat', 'safe']).optional(),
  team: z.string().regex(/^[a-z0-9_-]{2,32}$/).optional(),
  active: z.boolean().optional(),
});
const accountView = z.object({ key: z.string(), name: z.string(), appId: z.string(), mode: z.enum(['plain', 'compat', 'safe']), team: z.string(), active: z.boolean(), hasToken: z.boolean(), hasSecret: z.boolean(), hasAesKey: z.boolean(), webhookPath: z.string() });

const alternative = z.union([
  z.object({ kind: z.literal('callback'), phone: z.string() }),
  z.object({ kind: z.literal('sms'), phone: z.string() }),
  z.object({ kind: z.literal('email'), address: z.string() }),
]);
export const replyWindowView = z.object({
  open: z.boolean(),
  reason: z.enum(['window_closed', 'window_limit', 'unsubscribed', 'not_linked']).nullable(),
  lastCustomerMessageAt: z.string().nullable(),
  closesAt: z.string().nullable(),
  remaining: z.number().int(),
  alternatives: z.array(alternative),
});

export interface WechatRouteDeps {
  accounts: WechatAccounts;
  inbound: WechatInbound;
  delivery: WechatDelivery;
  tickets: Pick<TicketService, 'visible' | 'message'>;
  timeline: Pick<TicketMessages, 'reply'>;
  clock: Clock;
  log: Logger;
}

/**
 * `/webhooks/wechat/:account`: the URL set as 服务器地址 in the Official Account's console. Every
 * request is signed (sha1 of the sorted token, timestamp and nonce; safe mode adds msg_signature
 * over the ciphertext); a missing signature is 401, a wrong or stale one 403, before anything is
 * read. A push is stored, queued and answered `success` — WeChat waits 5 s at most.
 */
export function wechatWebhookRoutes(api: ApiRegistry, d: WechatRouteDeps): Router {
  const r = Router();
  const log = d.log;

  const verify = (account: WechatAccount, q: SignedQuery): void => {
    if (!q.signature || !q.timestamp || !q.nonce) throw new UnauthorizedError('signature, timestamp and nonce are required');
    if (!sameSignature(q.signature, wechatSignature(account.token, q.timestamp, q.nonce))) throw new AppError(403, 'invalid_signature', 'The signature does not match this account\'s token');
    const skew = Math.abs(d.clock.now().getTime() / 1000 - Number(q.timestamp));
    if (skew > MAX_SKEW_S) throw new AppError(403, 'stale_timestamp', `The timestamp is ${Math.round(skew)} s away from now`);
  };

  api.route(
    r,
    {
      method: 'get',
      path: '/webhooks/wechat/:account',
      tag: 'wechat',
      summary: 'WeChat server URL check (验证服务器地址): answers `echostr` when `signature` = sha1(sort(token, timestamp, nonce))',
      auth: 'public',
      params: accountParam,
      query: signedQuery,
    },
    async ({ params, query, res }) => {
      const account = await d.accounts.require(params.account);
      verify(account, query);
      if (!query.echostr) throw new ValidationError('echostr is required');
      res.status(200).type('text/plain').send(query.echostr);
      return undefined;
    },
  );

  // the parser reads up to four bytes a character, so the schema's length (400) decides, not the byte limit (413)
  const text = express.text({ type: () => true, limit: MAX_XML_BYTES * 4 });
  r.post('/webhooks/wechat/:account', text);
  api.route(
    r,
    {
      method: 'post',
      path: '/webhooks/wechat/:account',
      tag: 'wechat',
      summary: 'WeChat pushes (text, image, voice, video, location, link; events subscribe, unsubscribe, CLICK, VIEW), plaintext or safe mode (encrypt_type=aes, msg_signature); stored before the answer `success`. Security: `signature` = sha1(sort(token, timestamp, nonce)) in the query (401 without, 403 when wrong or the timestamp is over 5 minutes off); safe mode also `msg_signature` over the ciphertext and the AppID inside it',
      auth: 'public',
      params: accountParam,
      query: signedQuery,
      contentType: 'text/xml',
      body: z.string().max(MAX_XML_BYTES),
    },
    async ({ params, query, body, res }) => {
      const account = await d.accounts.require(params.account);
      verify(account, query);
      let fields;
      try {
        fields = parseXmlFields(body);
        if (query.encrypt_type === 'aes') {
          if (!account.aesKey) throw new AppError(403, 'not_configured', 'This account has no EncodingAESKey for safe mode');
          const encrypt = fields.Encrypt;
          if (!encrypt) throw new ValidationError('Encrypt is missing');
          if (!query.msg_signature) throw new UnauthorizedError('msg_signature is required in safe mode');
          if (!sameSignature(query.msg_signature, wechatSignature(account.token, query.timestamp!, query.nonce!, encrypt))) throw new AppError(403, 'invalid_signature', 'msg_signature does not match');
          fields = parseXmlFields(new WechatCipher(account.aesKey, account.appId).decrypt(encrypt));
        } else if (account.mode === 'safe') {
          throw new AppError(403, 'encryption_required', 'This account is in safe mode: pushes must be encrypted');
        }
      } catch (err) {
        if (err instanceof WechatXmlError) throw new ValidationError(err.message);
        if (err instanceof WechatCryptoError) throw new AppError(403, `decrypt_${err.reason}`, err.message);
        throw err;
      }
      const { duplicate } = await d.inbound.accept(account.key, fields).catch((err: unknown) => {
        if (err instanceof WechatXmlError) throw new ValidationError(err.message);
        throw err;
      });
      if (duplicate) log.debug({ account: account.key }, 'wechat push repeated');
      res.status(200).type('text/plain').send('success');
      return undefined;
    },
  );
  return r;
}

/** Admin settings of the accounts, and the reply window the composer shows. */
export function wechatApiRoutes(api: ApiRegistry, d: WechatRouteDeps): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/wechat/accounts', tag: 'wechat', summary: 'The WeChat Official Accounts (secrets never shown)', auth: ROLE_SETS.managers, response: z.object({ accounts: z.array(accountView) }) }, async () => ({
    accounts: (await d.accounts.list()).map(serializeAccount),
  }));
  api.route(
    r,
    { method: 'put', path: '/api/wechat/accounts/:account', tag: 'wechat', summary: 'Create or change an Official Account (admin); secrets are write-only', auth: ROLE_SETS.admins, params: accountParam, body: accountBody, response: accountView },
    async ({ params, body }) => serializeAccount(await d.accounts.put(params.account, body)),
  );
  api.route(
    r,
    {
      method: 'get',
      path: '/api/tickets/:number/reply-window',
      tag: 'wechat',
      summary: 'Whether a reply on the ticket\'s channel can be delivered now (WeChat: 48 hours since the customer\'s last message, a limited number of replies), and what else reaches the customer',
      auth: 'agent',
      params: z.strictObject({ number: z.coerce.number().int().positive() }),
      response: replyWindowView,
    },
    async ({ params, principal }) => {
      const ticket = await d.tickets.visible(params.number, principal);
      if (ticket.channel !== 'wechat') return { open: true, reason: null, lastCustomerMessageAt: null, closesAt: null, remaining: 0, alternatives: [] };
      return d.delivery.window(ticket);
    },
  );
  api.route(
    r,
    {
      method: 'post',
      path: '/api/tickets/:number/reply-via',
      tag: 'tickets',
      summary: 'Reply on another channel than the ticket\'s (by SMS or mail, e.g. when WeChat\'s 48-hour window is shut)',
      auth: 'agent',
      params: z.strictObject({ number: z.coerce.number().int().positive() }),
      body: z.strictObject({ via: z.enum(['email', 'sms']), body: z.string().trim().min(1).max(20_000) }),
      status: 201,
      response: z.object({ id: z.string(), channel: z.string(), delivery: z.string() }),
    },
    async ({ params, body, principal }) => {
      const { message } = await d.timeline.reply(params.number, principal, { body: body.body, channel: body.via });
      const fresh = (await d.tickets.message(message._id)) ?? message;
      return { id: String(fresh._id), channel: fresh.channel, delivery: fresh.delivery?.status ?? 'queued' };
    },
  );
  return r;
}
