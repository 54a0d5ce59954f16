import { statusUrl } from '../../modules/portal/signed-link';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ValidationError } from '../../errors';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Core } from '../../core/core';
import { mailOutcome } from '../../infra/metrics';
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
import { DeadLetters } from './dead-letters';
import { deadLetterRoutes } from './dead-letter.routes';
import { mailIntakeModel } from './mail-intake.model';
import { mailParticipantsModel } from './mail-participants.model';
import { mailJobOptions } from './mail-retry';
import { MailStore } from './mail-store';
import { notAMailFile } from './raw-check';
import { mailRefModel } from './mail-ref.model';
import { MailParsePool } from './parse-pool';
import { RawMailSweeper } from './raw-sweeper';
import { SmtpIntake } from './smtp-intake';
import { SmtpLimits } from './smtp-limits';
import { AttachmentRetention, RetentionResult } from './attachment-retention';
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
  /** deletes attachments of tickets closed longer than ATTACHMENT_RETENTION (also scheduled when set) */
  pruneAttachments(): Promise<RetentionResult>;
  /** re-queues stored raw mails no job has taken in (also a scheduled job in the workers) */
  sweepRawMail(): Promise<{ checked: number; requeued: number }>;
  /** the parse pool's figures (threads, mails parsed, run and wait times) */
  parseStats(): ReturnType<MailParsePool['stats']>;
  /**
   * The intake every door shares (SMTP, webhook, IMAP): the raw mail durably on disk, then its
   * `mail-in` job; resolves with the job id only then. Throws MailTooLargeError over `maxBytes`.
   */
  accept(source: Readable, maxBytes: number, envelope: AcceptEnvelope): Promise<string>;
}

export interface AcceptEnvelope {
  via: InboundJob['via'];
  rcpt: string[];
  mailFrom: string | null;
  team?: string;
}

/**
 * The email channel: SMTP intake and the raw webhook (both store the raw mail durably and queue
 * `mail-in`), the parser and threading in the worker, threaded replies through `mail-out`.
 */
/** Raw inbound mail older than MAIL_RETENTION is deleted by a sweep this often. */
const RETENTION_SWEEP_MS = 6 * 3600 * 1000;
/** Raw inbound mail no job took in is looked for this often. */
const INTAKE_SWEEP_MS = 15 * 60 * 1000;

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
  const addresses = new TeamAddresses(d.teams, own ? [own] : [], { redis: core.redis, prefix: core.config.queuePrefix });
  const MailRef = mailRefModel(core.conn);
  const MailIntake = mailIntakeModel(core.conn);
  const MailParticipants = mailParticipantsModel(core.conn);
  const jobOptions = mailJobOptions(core.config.mailRetryForMs, core.config.mailRetryMaxDelayMs);
  const delivery = new EmailDelivery({ tickets: d.tickets, timeline: d.timeline, customers: d.customers, queues: core.queues, mailer: core.mailer, templates: core.templates, MailRef, mailFrom: core.config.mailFrom, files: store, statusLink: (ticketId, locale) => statusUrl(core.config.publicUrl, core.config.sessionSecret, ticketId, locale) });
  d.router?.register('email', delivery.deliver);
  d.router?.fallback(delivery.deliver);
  const ackLimiter = new RateLimiterRedis({ storeClient: core.redis, keyPrefix: `${core.config.queuePrefix}:mail-ack`, points: ACKS_PER_HOUR, duration: 3600 });
  const log = core.log.child({ component: 'mail-intake' });
  // threads start with the first mail a worker process parses; API-only processes never start any
  const parsePool = new MailParsePool({ threads: core.config.mailParseThreads, heapMb: core.config.mailParseHeapMb, dataDir: core.config.dataDir, log });
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
    MailParticipants,
    parse: (file) => parsePool.parse(file),
    ownAddress: own,
    clock: core.clock,
    log: core.log.child({ component: 'mail-in' }),
  });

  /** Durable first, then the job, then (by the caller) the answer to the sender. */
  const accept = async (source: Readable, maxBytes: number, envelope: AcceptEnvelope): Promise<string> => {
    const blob = await store.writeInbound(source, maxBytes, envelope);
    // the webhook answers a sender that can be told: garbage is a 400 and is not kept (SMTP clients are MTAs: they get 250 and the parser decides)
    const why = envelope.via === 'webhook' ? await notAMailFile(blob.file) : null;
    if (why) {
      await fs.promises.rm(blob.file, { force: true });
      await fs.promises.rm(store.envelopeFile(blob.hash), { force: true });
      throw new ValidationError(`Not an RFC 5322 mail: ${why}`);
    }
    const jobId = `mail-${blob.hash}`;
    const data: InboundJob = { hash: blob.hash, via: envelope.via, rcpt: envelope.rcpt, mailFrom: envelope.mailFrom, receivedAt: core.clock.now().toISOString(), ...(envelope.team ? { team: envelope.team } : {}) };
    await core.queues.get('mail-in').add('inbound', data, { jobId, ...jobOptions });
    core.metrics.mailAccepted.inc({ via: envelope.via });
    log.debug({ jobId, size: blob.size, via: envelope.via }, 'mail accepted');
    return jobId;
  };

  const limits = new SmtpLimits(
    { maxConnectionsPerIp: core.config.smtpMaxConnectionsPerIp, messagesPerIpPerHour: core.config.smtpMessagesPerIpPerHour, diskQuotaBytes: core.config.mailDiskQuotaBytes, maxMessageBytes: core.config.mailMaxBytes },
    core.redis,
    core.config.queuePrefix,
    store.inboundDir,
  );
  const smtp = new SmtpIntake(
    { host: core.config.host, port: core.config.smtpPort, maxBytes: core.config.mailMaxBytes },
    addresses,
    (stream, env) => accept(stream, core.config.mailMaxBytes, { via: 'smtp', ...env }),
    log,
    limits,
  );
  const retention = new AttachmentRetention({
    Ticket: core.models.Ticket,
    Message: core.models.Message,
    store,
    retentionMs: core.config.attachmentRetentionMs,
    clock: core.clock,
    log: core.log.child({ component: 'attachment-retention' }),
  });

  const pruneRawMail = () => store.pruneInbound(new Date(core.clock.now().getTime() - core.config.mailRetentionMs));
  const sweeper = new RawMailSweeper(
    store,
    MailIntake,
    MailRef,
    async (hash, receivedAt) => {
      const q = core.queues.get('mail-in');
      if (await q.getJob(`mail-${hash}`)) return false;
      // the envelope it came with, when it was kept beside it (the team of an IMAP mailbox, Bcc'd team addresses)
      const env = await store.readEnvelope(hash);
      const data: InboundJob = { hash, via: 'sweep', rcpt: env?.rcpt ?? [], mailFrom: env?.mailFrom ?? null, receivedAt: receivedAt.toISOString(), ...(env?.team ? { team: env.team } : {}) };
      await q.add('inbound', data, { jobId: `mail-${hash}`, ...jobOptions });
      return true;
    },
    core.clock,
    log,
  );
  const sweepRawMail = () => sweeper.sweep();
  const deadLetters = new DeadLetters(() => core.queues.get('mail-in'), store);

  return {
    name: 'email',
    get smtpPort() {
      return smtp.port;
    },
    delivery,
    accept,
    rawRoutes: (api) => [
      emailWebhookRoutes(api, {
        secret: core.config.emailWebhookSecret,
        guesses: redisLimiter(core.redis, core.config.queuePrefix, 'webhook-secret-address', WEBHOOK_GUESSES_PER_ADDRESS, 15 * 60),
        maxBytes: core.config.mailMaxBytes,
        accept: (req, max) => accept(req, max, { via: 'webhook', rcpt: [], mailFrom: null }),
      }),
    ],
    routes: (api) => [attachmentRoutes(api, { tickets: d.tickets, Message: core.models.Message, store }), deadLetterRoutes(api, deadLetters)],
    pruneRawMail,
    pruneAttachments: () => retention.sweep(),
    sweepRawMail,
    parseStats: () => parsePool.stats(),
    processors: () => ({
      'mail-in': {
        inbound: async (job) => {
          const result = await inbound.process(job);
          core.metrics.mailIngested.inc({ outcome: mailOutcome(result) });
          return result;
        },
        'prune-raw': pruneRawMail,
        'sweep-raw': sweepRawMail,
        'prune-attachments': () => retention.sweep(),
      },
      'mail-out': { reply: (job) => delivery.send(job) },
    }),
    startWorkers: async () => {
      await core.queues.get('mail-in').upsertJobScheduler('mail-retention', { every: RETENTION_SWEEP_MS }, { name: 'prune-raw', data: {} });
      if (retention.enabled) await core.queues.get('mail-in').upsertJobScheduler('attachment-retention', { every: RETENTION_SWEEP_MS }, { name: 'prune-attachments', data: {} });
      else await core.queues.get('mail-in').removeJobScheduler('attachment-retention');
      await sweeper.start();
      await core.queues.get('mail-in').upsertJobScheduler('mail-intake-sweep', { every: INTAKE_SWEEP_MS }, { name: 'sweep-raw', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    },
    stopWorkers: () => parsePool.close(),
    startApi: () => smtp.start(),
    stopApi: () => smtp.stop(),
  };
}
