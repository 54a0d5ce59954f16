import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Core } from '../../core/core';
import type { AppModule } from '../../modules/app-module';
import type { DeliveryRouter } from '../delivery';
import { smsModels } from './sms.model';
import { createSmsProvider, parseSmsUrl } from './sms.providers';
import { smsRoutes, smsWebhookRoutes, tencentCallbackToken } from './sms.routes';
import { SmsService, type SmsServiceDeps } from './sms.service';

/** Text messages per phone number and hour: enough for a visit's confirmations, too few to harass. */
const PER_PHONE_HOUR = 5;

export interface SmsModule extends AppModule {
  readonly name: 'sms';
  /** null when SMS_URL is unset */
  readonly sms: SmsService | null;
}

export type SmsModuleDeps = Pick<SmsServiceDeps, 'customers' | 'timeline' | 'inbound'> & {
  tickets: SmsServiceDeps['tickets'] & Parameters<typeof smsRoutes>[1]['tickets'];
  /** replies on `sms` (an agent's reply by SMS) go out through this router's adapter */
  router: DeliveryRouter;
};

/** SMS through the provider of SMS_URL (Twilio, Tencent Cloud, or log:// in development); off when unset. */
export function smsModule(core: Core, d: SmsModuleDeps): SmsModule {
  if (!core.config.smsUrl) return { name: 'sms', sms: null };
  const config = parseSmsUrl(core.config.smsUrl, core.config.publicUrl);
  const log = core.log.child({ component: 'sms' });
  const sms = new SmsService({
    models: smsModels(core.conn, core.clock),
    provider: createSmsProvider(config, log),
    customers: d.customers,
    tickets: d.tickets,
    timeline: d.timeline,
    inbound: d.inbound,
    templates: core.templates,
    queues: core.queues,
    perPhone: new RateLimiterRedis({ storeClient: core.redis, keyPrefix: `${core.config.queuePrefix}:rl:sms-phone`, points: PER_PHONE_HOUR, duration: 3600 }),
    clock: core.clock,
    log,
  });
  d.router.register('sms', sms.deliverReply);
  d.router.guard('sms', sms.guard);
  const tencentToken = tencentCallbackToken(core.config.sessionSecret);
  return {
    name: 'sms',
    sms,
    routes: (api) => [
      smsRoutes(api, { sms, tickets: d.tickets, publicUrl: core.config.publicUrl, tencentToken }),
      smsWebhookRoutes(api, { sms, twilioAuthToken: config.provider === 'twilio' ? config.authToken : undefined, publicUrl: core.config.publicUrl, tencentToken }),
    ],
    processors: () => ({ sms: { send: (job) => sms.deliver(job) } }),
  };
}
