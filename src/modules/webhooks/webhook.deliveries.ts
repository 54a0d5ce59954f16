import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { NotFoundError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Queues } from '../../infra/queues';
import type { Logger } from '../../logger';
import type { MailOutbox } from '../../mail/outbox';
import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { MessageModel } from '../tickets/message.model';
import type { TicketModel } from '../tickets/ticket.model';
import { loadNames, serializeMessage, serializeTicket } from '../tickets/ticket.serialize';
import type { DeliveryDoc, DeliveryModel, WebhookEvent } from './webhook.model';
import type { DeliveryPayload } from './webhook.payloads';
import { signedHeaders } from './webhook.secrets';
import type { ActiveWebhook, WebhookService } from './webhook.service';
import { postJson, type PostResult } from './webhook.transport';

/** What an event is about; the payload is read fresh from it when the fan-out runs. */
export interface WebhookRef {
  ticketId?: string;
  messageId?: string;
  changes?: Record<string, [unknown, unknown]>;
  record?: { kind: 'workorder' | 'return'; data: Record<string, unknown> };
  rule?: { id: string; name: string } | null;
}

interface FanoutJob {
  event: WebhookEvent;
  key: string;
  ref: WebhookRef;
  /** a rule's `webhook` action: only this webhook, whatever it subscribes to */
  only?: string;
}

export interface DeliveryConfig {
  allowPrivate: boolean;
  timeoutMs: number;
  retryBaseMs: number;
  retryForMs: number;
  disableAfter: number;
  publicUrl: string;
}

export interface WebhookDeliveriesDeps {
  Delivery: DeliveryModel;
  Ticket: TicketModel;
  Message: MessageModel;
  Agent: AgentModel;
  Customer: CustomerModel;
  webhooks: WebhookService;
  queues: Queues;
  outbox: Pick<MailOutbox, 'send'>;
  clock: Clock;
  log: Logger;
  config: DeliveryConfig;
}

const RETRY_MAX_MS = 6 * 3600_000;
const SWEEP_GRACE_MS = 30_000;
const jobKey = (s: string) => s.replace(/:/g, '_');
const iso = (d?: Date | null) => (d ? new Date(d).toISOString() : null);

export function serializeDelivery(d: DeliveryDoc): DeliveryPayload {
  return {
    id: String(d._id),
    msgId: d.msgId,
    event: d.event,
    status: d.status as DeliveryPayload['status'],
    attempts: d.attempts.map((a) => ({ at: iso(a.at)!, status: a.status ?? null, error: a.error ?? null, latencyMs: a.latencyMs ?? 0, response: a.response ?? null })),
    nextAt: iso(d.nextAt),
    deliveredAt: iso(d.deliveredAt),
    createdAt: iso(d.createdAt)!,
    body: d.body,
  };
}

/**
 * Outgoing webhook deliveries. An event queues a fan-out (one job per event); the fan-out reads
 * the data fresh, stores one delivery per subscribed webhook (its body and Standard Webhooks id
 * fixed from then on) and queues its first attempt. Each attempt is signed with every valid
 * secret, logged with its status and latency, and on failure retried with exponential backoff
 * until WEBHOOK_RETRY_FOR has passed, with the same webhook-id. Too many failed attempts in a row
 * disable the webhook and mail the admins. MongoDB holds the state; jobs are triggers, and the
 * sweeper re-queues an attempt whose job went missing.
 */
export class WebhookDeliveries {
  constructor(private readonly d: WebhookDeliveriesDeps) {}

  /** From the ticket observer and the linked events: cheap when nobody listens. */
  async announce(event: WebhookEvent, key: string, ref: WebhookRef): Promise<void> {
    if (!(await this.d.webhooks.subscribed(event)).length) return;
    await this.queueFanout({ event, key, ref });
  }

  /** A rule's `webhook` action: one delivery of `automation.rule` to that webhook per application. */
  async fire(webhookId: string, data: { rule?: { id: string; name: string } | null; ticket?: { id: string } }, key: string): Promise<void> {
    await this.queueFanout({ event: 'automation.rule', key, ref: { ticketId: data.ticket?.id, rule: data.rule ?? null }, only: webhookId });
  }

  /** The rules' view of webhooks: does one exist, and call it. */
  ruleWebhooks(webhooks: Pick<WebhookService, 'exists'>): { exists(id: string): Promise<boolean>; fire(id: string, data: Record<string, unknown>, key: string): Promise<void> } {
    return { exists: (id) => webhooks.exists(id), fire: (id, data, key) => this.fire(id, data as never, key) };
  }

  private async queueFanout(job: FanoutJob): Promise<void> {
    await this.d.queues.get('webhooks').add('fanout', job, { jobId: jobKey(`fanout-${job.only ?? 'all'}-${job.event}-${job.key}`), removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
  }

  async fanout(job: FanoutJob): Promise<number> {
    let targets: ActiveWebhook[];
    if (job.only) {
      const w = await this.d.webhooks.doc(job.only).catch(() => null);
      targets = w && w.active ? [{ id: String(w._id), url: w.url, events: w.events }] : [];
    } else targets = await this.d.webhooks.subscribed(job.event);
    if (!targets.length) return 0;
    const data = await this.payload(job.event, job.ref);
    if (!data) return 0;
    let created = 0;
    for (const w of targets) if (await this.create(w.id, job.event, job.key, data)) created++;
    return created;
  }

  /** The event's data as the API shows it, read now. Null when what it is about is gone. */
  private async payload(event: WebhookEvent, ref: WebhookRef): Promise<Record<string, unknown> | null> {
    const ticket = ref.ticketId && Types.ObjectId.isValid(ref.ticketId) ? await this.d.Ticket.findById(ref.ticketId) : null;
    const ticketView = ticket ? serializeTicket(ticket, await loadNames([ticket], this.d.Agent, this.d.Customer)) : null;
    switch (event) {
      case 'ticket.created':
      case 'ticket.updated':
        return ticketView ? { ticket: ticketView, ...(ref.changes ? { changes: ref.changes } : {}) } : null;
      case 'message.created': {
        const m = ref.messageId && Types.ObjectId.isValid(ref.messageId) ? await this.d.Message.findById(ref.messageId) : null;
        return ticketView && m ? { ticket: ticketView, message: serializeMessage(m, this.d.config.publicUrl) } : null;
      }
      case 'workorder.updated':
      case 'return.updated':
        return ref.record ? { [ref.record.kind]: ref.record.data, ticket: ticketView ? { id: ticketView.id, number: ticketView.number } : null, ...(ref.changes ? { changes: ref.changes } : {}) } : null;
      case 'automation.rule':
        return { rule: ref.rule ?? null, ticket: ticketView };
    }
  }

  private async create(webhookId: string, event: string, key: string, data: Record<string, unknown>): Promise<boolean> {
    const now = this.d.clock.now();
    const msgId = `msg_${randomUUID().replace(/-/g, '')}`;
    const body = JSON.stringify({ type: event, timestamp: now.toISOString(), data });
    try {
      const doc = await this.d.Delivery.create({ webhookId, msgId, dedupeKey: `${webhookId}:${key}`, event, body, status: 'pending', nextAt: now, retryUntil: new Date(now.getTime() + this.d.config.retryForMs) });
      await this.queueAttempt(doc, 0);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false; // the same event again: delivered once
      throw err;
    }
  }

  private async queueAttempt(d: Pick<DeliveryDoc, '_id' | 'attemptCount'>, delayMs: number, tag = ''): Promise<void> {
    await this.d.queues.get('webhooks').add('send', { deliveryId: String(d._id), attempt: d.attemptCount }, { jobId: `send-${d._id}-${d.attemptCount}${tag}`, delay: Math.max(0, delayMs), attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } });
  }

  /** One attempt, by whoever claims it first (the job, or the sweeper after a lost job). */
  async send(job: { deliveryId: string; attempt: number }): Promise<string> {
    const now = this.d.clock.now();
    const claimed = await this.d.Delivery.findOneAndUpdate(
      { _id: job.deliveryId, status: 'pending', attemptCount: job.attempt, $or: [{ leaseUntil: null }, { leaseUntil: { $lt: now } }] },
      { $set: { leaseUntil: new Date(now.getTime() + this.d.config.timeoutMs + 60_000) } },
      { new: true },
    );
    if (!claimed) return 'not-mine';
    const webhook = await this.d.webhooks.doc(String(claimed.webhookId)).catch(() => null);
    if (!webhook || !webhook.active) {
      await this.d.Delivery.updateOne({ _id: claimed._id }, { $set: { status: 'failed', nextAt: null, leaseUntil: null }, $push: { attempts: { at: now, status: null, error: webhook ? 'webhook disabled' : 'webhook deleted', latencyMs: 0 } } });
      return 'webhook-off';
    }
    // the signature's timestamp is the wall clock: receivers compare it with theirs
    const headers = signedHeaders(claimed.msgId, claimed.body, this.d.webhooks.signingSecrets(webhook), new Date());
    const res: PostResult = await postJson(webhook.url, claimed.body, headers, { allowPrivate: this.d.config.allowPrivate, timeoutMs: this.d.config.timeoutMs });
    const ok = res.status !== null && res.status >= 200 && res.status < 300;
    const attempt = { at: this.d.clock.now(), status: res.status, error: res.error, latencyMs: res.latencyMs, response: res.response?.slice(0, 1024) ?? null };
    const count = claimed.attemptCount + 1;
    if (ok) {
      await this.d.Delivery.updateOne({ _id: claimed._id }, { $set: { status: 'delivered', deliveredAt: attempt.at, nextAt: null, leaseUntil: null, attemptCount: count }, $push: { attempts: { $each: [attempt], $slice: -50 } } });
      await this.d.webhooks.succeeded(String(webhook._id));
      return 'delivered';
    }
    const wait = Math.min(RETRY_MAX_MS, this.d.config.retryBaseMs * 2 ** (count - 1));
    const nextAt = new Date(attempt.at.getTime() + wait);
    const giveUp = nextAt > claimed.retryUntil;
    await this.d.Delivery.updateOne(
      { _id: claimed._id },
      { $set: { status: giveUp ? 'failed' : 'pending', nextAt: giveUp ? null : nextAt, leaseUntil: null, attemptCount: count }, $push: { attempts: { $each: [attempt], $slice: -50 } } },
    );
    this.d.log.warn({ webhook: String(webhook._id), delivery: String(claimed._id), status: res.status, err: res.error, attempt: count, giveUp }, 'webhook attempt failed');
    await this.failed(String(webhook._id), res.error ?? `HTTP ${res.status}`);
    if (!giveUp) await this.queueAttempt({ _id: claimed._id, attemptCount: count }, wait);
    return giveUp ? 'failed' : 'retry';
  }

  /** One more failure in a row; at the limit the webhook is disabled (once: a conditional update) and the admins told. */
  private async failed(webhookId: string, reason: string): Promise<void> {
    const after = await this.d.webhooks.failedAttempt(webhookId);
    if (!after || after.consecutiveFailures < this.d.config.disableAfter || !after.active) return;
    if (!(await this.d.webhooks.disable(webhookId, `${after.consecutiveFailures} failed attempts in a row; last: ${reason}`))) return;
    const now = this.d.clock.now();
    this.d.log.error({ webhook: webhookId, failures: after.consecutiveFailures }, 'webhook disabled after repeated failures');
    const admins = await this.d.Agent.find({ role: 'admin', active: true }, { email: 1, locale: 1, name: 1 }).lean();
    for (const a of admins) {
      await this.d.outbox.send(
        { to: a.email, template: 'webhook-disabled', locale: a.locale === 'zh-CN' ? 'zh-CN' : 'en', data: { name: a.name, url: after.url, failures: after.consecutiveFailures, reason, link: `${this.d.config.publicUrl}/console/#/automation/webhooks` } },
        `webhook-disabled-${webhookId}-${now.getTime()}-${a._id}`,
      );
    }
  }

  /** Attempts whose time has come and whose job is gone (Redis lost, a worker down). */
  async sweep(limit = 500): Promise<number> {
    const before = new Date(this.d.clock.now().getTime() - SWEEP_GRACE_MS);
    const due = await this.d.Delivery.find({ status: 'pending', nextAt: { $lte: before } }, { _id: 1, attemptCount: 1, leaseUntil: 1 }).limit(limit).lean();
    let queued = 0;
    for (const d of due) {
      if (d.leaseUntil && d.leaseUntil > before) continue;
      if (await this.d.queues.get('webhooks').getJob(`send-${d._id}-${d.attemptCount}`)) continue;
      await this.queueAttempt(d as unknown as DeliveryDoc, 0, `-swept-${Date.now()}`);
      queued++;
    }
    return queued;
  }

  async list(webhookId: string, opts: { limit: number; before?: string }): Promise<{ deliveries: DeliveryPayload[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = { webhookId: new Types.ObjectId(webhookId) };
    if (opts.before) filter._id = { $lt: new Types.ObjectId(opts.before) };
    const rows = await this.d.Delivery.find(filter).sort({ _id: -1 }).limit(opts.limit + 1);
    const page = rows.slice(0, opts.limit);
    return { deliveries: page.map(serializeDelivery), nextCursor: rows.length > opts.limit ? String(page[page.length - 1]._id) : null };
  }

  /** Sends a delivery again by hand, the same message (same webhook-id and body), with a fresh retry window. */
  async replay(webhookId: string, deliveryId: string): Promise<DeliveryPayload> {
    const now = this.d.clock.now();
    const d = Types.ObjectId.isValid(deliveryId) ? await this.d.Delivery.findOne({ _id: deliveryId, webhookId: new Types.ObjectId(webhookId) }) : null;
    if (!d) throw new NotFoundError('Delivery');
    const updated = await this.d.Delivery.findOneAndUpdate({ _id: d._id }, { $set: { status: 'pending', nextAt: now, retryUntil: new Date(now.getTime() + this.d.config.retryForMs), leaseUntil: null } }, { new: true });
    await this.queueAttempt(updated!, 0, `-replay-${Date.now()}`);
    return serializeDelivery(updated!);
  }
}
