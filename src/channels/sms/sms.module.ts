import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Core } from '../../container';
import type { AppModule } from '../../modules/app-module';
import type { DeliveryRouter } from '../delivery';
import { smsModels } from './sms.model';
import { createSmsProvider, parseSmsUrl } from './sms.providers';
import { smsRoutes, smsWebhookRoutes, tencentCallbackToken } from './sms.routes';
import { SmsService } from './sms.service';

/** Text messages per phone number and hour: enough for a visit's confirmations, too few to harass. */
const PER_PHONE_HOUR = 5;

export interface SmsModule extends AppModule {
  readonly name: 'sms';
  /** null when SMS_URL is unset */
  readonly sms: SmsService | null;
}

/** SMS through the provider of SMS_URL (Twilio, Tencent Cloud, or log:// in development); off when unset. */
export function smsModule(core: Core, router: DeliveryRouter): SmsModule {
  if (!core.config.smsUrl) return { name: 'sms', sms: null };
  const config = parseSmsUrl(core.config.smsUrl, core.config.publicUrl);
  const log = core.log.child({ component: 'sms' });
  const sms = new SmsService({
    models: smsModels(core.conn, core.clock),
    provider: createSmsProvider(config, log),
    customers: core.customers,
    tickets: core.tickets,
    templates: core.templates,
    queues: core.queues,
    perPhone: new RateLimiterRedis({ storeClient: core.redis, keyPrefix: `${core.config.queuePrefix}:rl:sms-phone`, points: PER_PHONE_HOUR, duration: 3600 }),
    clock: core.clock,
    log,
  });
  router.register('sms', sms.deliverReply);
  router.guard('sms', sms.guard);
  const tencentToken = tencentCallbackToken(core.config.sessionSecret);
  return {
    name: 'sms',
    sms,
    routes: (api) => [
      smsRoutes(api, { sms, tickets: core.tickets, publicUrl: core.config.publicUrl, tencentToken }),
      smsWebhookRoutes(api, { sms, twilioAuthToken: config.provider === 'twilio' ? config.authToken : undefined, publicUrl: core.config.publicUrl, tencentToken }),
    ],
    processors: () => ({ sms: { send: (job) => sms.deliver(job) } }),
  };
}
