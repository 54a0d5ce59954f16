import type { Job } from 'bullmq';
import type { Core } from '../../core/core';
import { SecretBox } from '../../infra/secrets';
import type { AppModule } from '../app-module';
import { type WebhookRef, WebhookDeliveries } from './webhook.deliveries';
import { webhookModels, type WebhookEvent } from './webhook.model';
import { WebhookObserver } from './webhook.observer';
import { webhookRoutes } from './webhook.routes';
import { WebhookSecrets } from './webhook.secrets';
import { WebhookService } from './webhook.service';

const SWEEP_EVERY_MS = 60_000;

export type WebhooksModule = AppModule & { webhooks: WebhookService; deliveries: WebhookDeliveries };

/** Outgoing webhooks: subscriptions, the ticket observer that announces events, signed deliveries from the workers. */
export function webhooksModule(core: Core): WebhooksModule {
  const { Ticket, Message, Agent, Customer } = core.models;
  const { config } = core;
  const models = webhookModels(core.conn, core.clock);
  const webhooks = new WebhookService({ Webhook: models.Webhook, secrets: new WebhookSecrets(new SecretBox(config.secretsKey)), redis: core.redis, prefix: config.queuePrefix, clock: core.clock, allowPrivate: config.webhookAllowPrivate });
  const deliveries = new WebhookDeliveries({
    Delivery: models.Delivery,
    Ticket,
    Message,
    Agent,
    Customer,
    webhooks,
    queues: core.queues,
    outbox: core.outbox,
    clock: core.clock,
    log: core.log.child({ component: 'webhooks' }),
    config: { allowPrivate: config.webhookAllowPrivate, timeoutMs: config.webhookTimeoutMs, retryBaseMs: config.webhookRetryBaseMs, retryForMs: config.webhookRetryForMs, disableAfter: config.webhookDisableAfter, publicUrl: config.publicUrl },
  });
  const observer = new WebhookObserver(deliveries);
  return {
    name: 'webhooks',
    webhooks,
    deliveries,
    routes: (api) => [webhookRoutes(api, webhooks, deliveries)],
    ticketObservers: () => [observer],
    processors: () => ({
      webhooks: {
        fanout: (job: Job<{ event: WebhookEvent; key: string; ref: WebhookRef; only?: string }>) => deliveries.fanout(job.data),
        send: (job: Job<{ deliveryId: string; attempt: number }>) => deliveries.send(job.data),
        sweep: () => deliveries.sweep(),
      },
    }),
    async startWorkers() {
      const q = core.queues.get('webhooks');
      await q.upsertJobScheduler('webhooks-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      await q.add('sweep', {}, { jobId: `webhooks-sweep-start-${Date.now()}`, removeOnComplete: true });
    },
  };
}
