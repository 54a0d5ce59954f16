import type { Core } from '../../core/core';
import { SecretBox } from '../../infra/secrets';
import type { AppModule } from '../../modules/app-module';
import type { TeamService } from '../../modules/teams/team.service';
import type { DeliveryRouter } from '../delivery';
import { MailStore } from '../email/mail-store';
import { WechatAccounts } from './wechat.accounts';
import { WechatApi, WechatTokens } from './wechat.api';
import { WechatDelivery, type WechatDeliveryDeps } from './wechat.delivery';
import { type CodeSender, WechatIdentity, type WechatIdentityDeps } from './wechat.identity';
import { WechatInbound, type WechatInboundDeps } from './wechat.inbound';
import { wechatModels } from './wechat.model';
import { type WechatRouteDeps, wechatApiRoutes, wechatWebhookRoutes } from './wechat.routes';

/** A stored push not processed after this long has lost its job (Redis lost, crash): the sweeper queues it again. */
const STALE_MS = 60_000;
const SWEEP_EVERY_MS = 60_000;
/** Processed pushes are kept this long (WeChat retries within seconds; audits look back a little). */
const KEEP_MS = 7 * 24 * 3600 * 1000;

export interface WechatModule extends AppModule {
  readonly name: 'wechat';
  readonly inbound: WechatInbound;
  readonly delivery: WechatDelivery;
  readonly accounts: WechatAccounts;
  sweep(): Promise<number>;
}

export type WechatModuleDeps = {
  tickets: WechatInboundDeps['tickets'] & WechatDeliveryDeps['tickets'] & WechatRouteDeps['tickets'];
  timeline: WechatInboundDeps['timeline'] & WechatDeliveryDeps['timeline'] & WechatRouteDeps['timeline'];
  customers: WechatInboundDeps['customers'] & WechatDeliveryDeps['customers'] & WechatIdentityDeps['customers'];
} & Pick<WechatInboundDeps, 'inbound'> &
  Pick<WechatIdentityDeps, 'updates' | 'audit'> & {
    teams: Pick<TeamService, 'exists'>;
    /** replies on `wechat` go out through this router's adapter, refused by its guard outside the window */
    router: DeliveryRouter;
    /** the SMS service that sends phone-verification codes; null when SMS is off */
    sms: CodeSender | null;
  };

/**
 * WeChat Official Account (公众号): the signed webhook (plain and safe mode) stores each push and
 * queues `wechat/inbound`; the worker hands it to the inbound contract (the follower's `wechat`
 * ticket) and fetches media; agents' replies go out through the customer-service message API
 * inside the 48-hour window.
 */
export function wechatModule(core: Core, d: WechatModuleDeps): WechatModule {
  const models = wechatModels(core.conn, core.clock);
  const accounts = new WechatAccounts(models.WechatAccount, new SecretBox(core.config.secretsKey), d.teams, core.config.wechat);
  const api = new WechatApi(core.config.wechatApiBase, new WechatTokens(core.redis, core.config.queuePrefix, core.config.wechatApiBase));
  const log = core.log.child({ component: 'wechat' });
  const { clock, queues } = core;
  const identity = new WechatIdentity({ models, customers: d.customers, updates: d.updates, audit: d.audit, accounts, api, sms: d.sms, clock, log });
  const inbound = new WechatInbound({ models, tickets: d.tickets, timeline: d.timeline, inbound: d.inbound, customers: d.customers, accounts, api, store: new MailStore(core.config.dataDir), queues, clock, log, identity });
  const delivery = new WechatDelivery({ models, tickets: d.tickets, timeline: d.timeline, customers: d.customers, accounts, api, queues, clock, smsEnabled: !!d.sms });
  d.router.register('wechat', delivery.deliver);
  d.router.guard('wechat', delivery.guard);
  const routeDeps: WechatRouteDeps = { accounts, inbound, delivery, tickets: d.tickets, timeline: d.timeline, clock, log };

  const sweep = async (): Promise<number> => {
    const now = clock.now().getTime();
    await models.WechatInbound.deleteMany({ processedAt: { $lt: new Date(now - KEEP_MS) } });
    const stale = await models.WechatInbound.find({ processedAt: null, receivedAt: { $lt: new Date(now - STALE_MS) } }, { _id: 1, account: 1, fields: 1 }).limit(500).lean();
    for (const s of stale) await inbound.accept(s.account, s.fields);
    return stale.length;
  };

  return {
    name: 'wechat',
    inbound,
    delivery,
    accounts,
    sweep,
    rawRoutes: (reg) => [wechatWebhookRoutes(reg, routeDeps)],
    routes: (reg) => [wechatApiRoutes(reg, routeDeps)],
    processors: () => ({
      wechat: { inbound: (job) => inbound.process(job), media: (job) => inbound.fetchMedia(job), send: (job) => delivery.send(job), sweep },
    }),
    startWorkers: async () => {
      await queues.get('wechat').upsertJobScheduler('wechat-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
