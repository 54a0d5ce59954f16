import type { Core } from '../../container';
import { SecretBox } from '../../infra/secrets';
import type { AppModule } from '../../modules/app-module';
import type { DeliveryRouter } from '../delivery';
import { MailStore } from '../email/mail-store';
import { WechatAccounts } from './wechat.accounts';
import { WechatApi, WechatTokens } from './wechat.api';
import { WechatDelivery } from './wechat.delivery';
import { CodeSender, WechatIdentity } from './wechat.identity';
import { WechatInbound } from './wechat.inbound';
import { wechatModels } from './wechat.model';
import { wechatApiRoutes, wechatWebhookRoutes } from './wechat.routes';

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

/**
 * WeChat Official Account (公众号): the signed webhook (plain and safe mode) stores each push and
 * queues `wechat/inbound`; the worker threads it into the customer's `wechat` ticket and fetches
 * media; agents' replies go out through the customer-service message API inside the 48-hour window.
 */
export function wechatModule(core: Core, router: DeliveryRouter, opts: { sms: CodeSender | null }): WechatModule {
  const models = { ...wechatModels(core.conn, core.clock), Message: core.models.Message };
  const accounts = new WechatAccounts(models.WechatAccount, new SecretBox(core.config.secretsKey), core.teams, core.config.wechat);
  const api = new WechatApi(core.config.wechatApiBase, new WechatTokens(core.redis, core.config.queuePrefix, core.config.wechatApiBase));
  const log = core.log.child({ component: 'wechat' });
  const identity = new WechatIdentity({ models, customers: core.customers, tickets: core.tickets, accounts, api, sms: opts.sms, clock: core.clock, log });
  const inbound = new WechatInbound({ models, tickets: core.tickets, customers: core.customers, accounts, api, store: new MailStore(core.config.dataDir), queues: core.queues, clock: core.clock, log, identity });
  const delivery = new WechatDelivery({ models, tickets: core.tickets, customers: core.customers, accounts, api, queues: core.queues, clock: core.clock, smsEnabled: !!opts.sms });
  router.register('wechat', delivery.deliver);
  router.guard('wechat', delivery.guard);
  const deps = { accounts, inbound, delivery, tickets: core.tickets, clock: core.clock, log };

  const sweep = async (): Promise<number> => {
    const now = core.clock.now().getTime();
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
    rawRoutes: (reg) => [wechatWebhookRoutes(reg, deps)],
    routes: (reg) => [wechatApiRoutes(reg, deps)],
    processors: () => ({
      wechat: { inbound: (job) => inbound.process(job), media: (job) => inbound.fetchMedia(job), send: (job) => delivery.send(job), sweep },
    }),
    startWorkers: async () => {
      await core.queues.get('wechat').upsertJobScheduler('wechat-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
