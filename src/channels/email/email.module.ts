import type { Readable } from 'node:stream';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Core } from '../../core/core';
import type { AppModule } from '../../modules/app-module';
import type { CustomerService } from '../../modules/customers/customer.service';
import type { TeamService } from '../../modules/teams/team.service';
import type { TicketInbound } from '../../modules/tickets/ticket.inbound';
import type { TicketMessages } from '../../modules/tickets/ticket.messages';
import type { TicketService } from '../../modules/tickets/ticket.service';
import type { DeliveryRouter } from '../delivery';
import { EmailDelivery, mailAddress } from './email.delivery';
import { InboundJob, InboundMail } from './email.inbound';
import { redisLimiter } from '../../infra/rate-limit';
import { attachmentRoutes, emailWebhookRoutes, WEBHOOK_GUESSES_PER_ADDRESS } from './email.routes';
import { MailStore } from './mail-store';
import { mailRefModel } from './mail-ref.model';
import { SmtpIntake } from './smtp-intake';
import { TeamAddresses } from './team-addresses';

/** Acknowledgements per sender and hour: enough for a real customer, too few for a mail loop. */
const ACKS_PER_HOUR = 5;

export interface EmailModule extends AppModule {
  readonly name: 'email';
  /** the bound SMTP intake port (SMTP_PORT=0 binds a free one) */
  readonly smtpPort: number;
  readonly delivery: EmailDelivery;
  /** deletes raw inbound mails older than MAIL_RETENTION (also a scheduled job in the workers) */
  pruneRawMail(): Promise<number>;
}

/**
 * The email channel: SMTP intake and the raw webhook (both store the raw mail durably and queue
 * `mail-in`), the parser and threading in the worker, threaded replies through `mail-out`.
 */
/** Raw inbound mail older than MAIL_RETENTION is deleted by a sweep this often. */
const RETENTION_SWEEP_MS = 6 * 3600 * 1000;

export interface EmailModuleDeps {
  tickets: Pick<TicketService, 'byId' | 'byNumber' | 'visible' | 'message' | 'messageByKey'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'addAutomatic' | 'setDelivery' | 'assignMail'>;
  inbound: Pick<TicketInbound, 'receive'>;
  customers: Pick<CustomerService, 'get' | 'findByContact'>;
  teams: Pick<TeamService, 'list'>;
  /** the delivery router: email registers its adapter, and is the fallback of channels without one */
  router?: DeliveryRouter;
}

export function emailModule(core: Core, d: EmailModuleDeps): EmailModule {
  const store = new MailStore(core.config.dataDir);
  const own = mailAddress(core.config.mailFrom);
  const addresses = new TeamAddresses(d.teams, own ? [own] : []);
  const MailRef = mailRefModel(core.conn);
  const delivery = new EmailDelivery({ tickets: d.tickets, timeline: d.timeline, customers: d.customers, queues: core.queues, mailer: core.mailer, templates: core.templates, MailRef, mailFrom: core.config.mailFrom, files: store });
  d.router?.register('email', delivery.deliver);
  d.router?.fallback(delivery.deliver);
  const ackLimiter = new RateLimiterRedis({ storeClient: core.redis, keyPrefix: `${core.config.queuePrefix}:mail-ack`, points: ACKS_PER_HOUR, duration: 3600 });
  const inbound = new InboundMail({
    tickets: d.tickets,
    timeline: d.timeline,
    inbound: d.inbound,
    customers: d.customers,
    templates: core.templates,
    store,
    addresses,
    delivery,
    ackLimiter,
    MailRef,
    log: core.log.child({ component: 'mail-in' }),
  });
  const log = core.log.child({ component: 'mail-intake' });

  /** Durable first, then the job, then (by the caller) the answer to the sender. */
  const accept = async (source: Readable, maxBytes: number, envelope: { via: InboundJob['via']; rcpt: string[]; mailFrom: string | null }): Promise<string> => {
    const blob = await store.writeInbound(source, maxBytes);
    const jobId = `mail-${blob.hash}`;
    const data: InboundJob = { hash: blob.hash, via: envelope.via, rcpt: envelope.rcpt, mailFrom: envelope.mailFrom, receivedAt: core.clock.now().toISOString() };
    await core.queues.get('mail-in').add('inbound', data, { jobId });
    log.debug({ jobId, size: blob.size, via: envelope.via }, 'mail accepted');
    return jobId;
  };

  const smtp = new SmtpIntake(
    { host: core.config.host, port: core.config.smtpPort, maxBytes: core.config.mailMaxBytes },
    addresses,
    (stream, env) => accept(stream, core.config.mailMaxBytes, { via: 'smtp', ...env }),
    log,
  );

  const pruneRawMail = () => store.pruneInbound(new Date(core.clock.now().getTime() - core.config.mailRetentionMs));

  return {
    name: 'email',
    get smtpPort() {
      return smtp.port;
    },
    delivery,
    rawRoutes: (api) => [
      emailWebhookRoutes(api, {
        secret: core.config.emailWebhookSecret,
        guesses: redisLimiter(core.redis, core.config.queuePrefix, 'webhook-secret-address', WEBHOOK_GUESSES_PER_ADDRESS, 15 * 60),
        maxBytes: core.config.mailMaxBytes,
        accept: (req, max) => accept(req, max, { via: 'webhook', rcpt: [], mailFrom: null }),
      }),
    ],
    routes: (api) => [attachmentRoutes(api, { tickets: d.tickets, Message: core.models.Message, store })],
    pruneRawMail,
    processors: () => ({
      'mail-in': { inbound: (job) => inbound.process(job), 'prune-raw': pruneRawMail },
      'mail-out': { reply: (job) => delivery.send(job) },
    }),
    startWorkers: async () => {
      await core.queues.get('mail-in').upsertJobScheduler('mail-retention', { every: RETENTION_SWEEP_MS }, { name: 'prune-raw', data: {} });
    },
    startApi: () => smtp.start(),
    stopApi: () => smtp.stop(),
  };
}
