import type { Types } from 'mongoose';
import type { Actor } from '../../core/types';
import { AppError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Logger } from '../../logger';
import type { Principal } from '../auth/principal';
import type { CallbackService } from '../callbacks/callback.service';
import type { CustomerService } from '../customers/customer.service';
import type { FieldService } from '../fields/field.service';
import { customerFieldValues } from '../fields/field.values';
import type { Deliver, TicketMessages } from '../tickets/ticket.messages';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketPatch, TicketUpdates } from '../tickets/ticket.updates';
import type { RuleActionSummary } from '../tickets/timeline.events';
import type { Action } from './rule.schemas';

/** What a rule's `webhook` action calls (the webhooks module): one signed delivery per key. */
export interface RuleWebhooks {
  exists(webhookId: string): Promise<boolean>;
  fire(webhookId: string, data: Record<string, unknown>, key: string): Promise<void>;
}

export interface ActionDeps {
  tickets: Pick<TicketService, 'byId'>;
  updates: Pick<TicketUpdates, 'update'>;
  timeline: Pick<TicketMessages, 'addEvent' | 'addAutomatic' | 'reply'>;
  deliver: Deliver;
  callbacks: Pick<CallbackService, 'create'>;
  customers: Pick<CustomerService, 'get'>;
  webhooks: RuleWebhooks;
  /** the ticket fields' definitions: replies may name the customer-visible ones (`{{fields.<key>}}`) */
  fields: Pick<FieldService, 'list'>;
  clock: Clock;
  log: Logger;
}

/** Who applies actions: a rule (the system, written as the rule) or an agent applying a macro. */
export interface ApplyAs {
  /** the agent applying a macro: their permissions apply and their replies are theirs */
  principal: Principal | null;
  actor: Actor;
  /** one application's key: its side effects (notes, replies, callbacks, webhook calls) happen once per key */
  key: string;
  rule?: { id: string; name: string } | null;
  macro?: { id: string; name: string } | null;
  /** a change that fails throws before any other action happens (an agent's macro: the error is theirs to see) */
  strict?: boolean;
}

export interface ActionFailure {
  action: string;
  error: string;
}

const PATCH_TYPES = new Set(['set_status', 'set_priority', 'set_type', 'set_team', 'set_assignee', 'set_field', 'add_tags', 'remove_tags']);

/** An action as the timeline names it: its type and the value it sets. */
export function summarize(a: Action): RuleActionSummary {
  switch (a.type) {
    case 'set_field':
      return { type: a.type, key: a.key, value: a.value };
    case 'add_tags':
    case 'remove_tags':
      return { type: a.type, tags: a.tags };
    case 'set_status':
    case 'set_priority':
    case 'set_type':
    case 'set_team':
    case 'set_assignee':
      return { type: a.type, value: a.value };
    default:
      return { type: a.type };
  }
}

/** `{{customer.name}}`-style placeholders of a reply template (the same ones as canned responses). */
export function fillTemplate(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (all, key: string) => values[key] ?? all);
}

/**
 * Applies the actions of a rule or macro to one ticket: the changes of the ticket in one update
 * (status, priority, type, team, assignee, custom fields, tags), then notes, replies, callback
 * tasks and webhook calls, each keyed so a repeat of the same application does it once. A failed
 * action is reported and the others still run.
 */
export class ActionRunner {
  constructor(private readonly d: ActionDeps) {}

  async apply(ticket: TicketDoc, actions: Action[], as: ApplyAs): Promise<{ ticket: TicketDoc; failures: ActionFailure[] }> {
    const failures: ActionFailure[] = [];
    let current = ticket;
    const patchActions = actions.filter((a) => PATCH_TYPES.has(a.type));
    if (patchActions.length) {
      try {
        current = await this.d.updates.update(ticket.number, this.patchOf(current, patchActions, as), as.principal, as.actor);
      } catch (err) {
        if (as.strict) throw err;
        failures.push({ action: patchActions.map((a) => a.type).join(','), error: describe(err) });
      }
    }
    let i = 0;
    for (const a of actions) {
      i++;
      if (PATCH_TYPES.has(a.type)) continue;
      try {
        current = (await this.sideEffect(current, a, as, `${as.key}:${i}`)) ?? current;
      } catch (err) {
        failures.push({ action: a.type, error: describe(err) });
      }
    }
    return { ticket: (await this.d.tickets.byId(current._id as Types.ObjectId)) ?? current, failures };
  }

  private patchOf(ticket: TicketDoc, actions: Action[], as: ApplyAs): TicketPatch {
    const patch: TicketPatch = {};
    let tags = [...ticket.tags];
    for (const a of actions) {
      if (a.type === 'set_status') patch.status = a.value;
      else if (a.type === 'set_priority') patch.priority = a.value;
      else if (a.type === 'set_type') patch.type = a.value;
      else if (a.type === 'set_team') patch.team = a.value;
      else if (a.type === 'set_assignee') patch.assignee = a.value === 'me' ? (as.principal?.id ?? null) : a.value;
      else if (a.type === 'set_field') patch.fields = { ...patch.fields, [a.key]: a.value };
      else if (a.type === 'add_tags') tags = [...new Set([...tags, ...a.tags])];
      else if (a.type === 'remove_tags') tags = tags.filter((t) => !a.tags.includes(t));
    }
    if (tags.join('\u0000') !== ticket.tags.join('\u0000')) patch.tags = tags;
    return patch;
  }

  private async sideEffect(ticket: TicketDoc, a: Action, as: ApplyAs, key: string): Promise<TicketDoc | void> {
    switch (a.type) {
      case 'note': {
        if (as.principal) return (await this.d.timeline.reply(ticket.number, as.principal, { body: a.text, internal: true })).ticket;
        await this.d.timeline.addEvent(ticket, { type: 'rule_note', data: { text: a.text, rule: as.rule?.name ?? null, macro: as.macro?.name ?? null } }, a.text, { internal: true, key });
        return;
      }
      case 'reply': {
        const customer = await this.d.customers.get(String(ticket.customerId));
        const text = (customer.locale === 'zh-CN' ? (a.template['zh-CN'] ?? a.template.en) : (a.template.en ?? a.template['zh-CN']))!;
        const body = fillTemplate(text, {
          'customer.name': customer.name,
          'customer.email': customer.emails[0] ?? '',
          'ticket.number': String(ticket.number),
          'ticket.subject': ticket.subject,
          'agent.name': as.principal?.name ?? '',
          ...customerFieldValues(await this.d.fields.list('ticket'), (ticket.fields ?? {}) as Record<string, unknown>, customer.locale === 'zh-CN' ? 'zh-CN' : 'en'),
        });
        if (as.principal) return (await this.d.timeline.reply(ticket.number, as.principal, { body })).ticket;
        if (ticket.status === 'closed') throw new Error('the ticket is closed');
        // an automatic reply: delivered on the ticket's channel, but never counted as a response
        const { message, duplicate } = await this.d.timeline.addAutomatic(ticket, { body, dedupeKey: `rule-reply:${key}` });
        if (!duplicate && message.delivery?.status === 'queued') await this.d.deliver(ticket, message);
        return;
      }
      case 'callback': {
        const customer = await this.d.customers.get(String(ticket.customerId));
        const phone = customer.phones[0];
        if (!phone) throw new Error('the customer has no phone number');
        const dueAt = a.inHours !== undefined ? new Date(this.d.clock.now().getTime() + a.inHours * 3600_000) : undefined;
        const note = a.note ?? (as.rule ? as.rule.name : as.macro?.name);
        await this.d.callbacks.create({ kind: 'requested', ticketId: String(ticket._id), team: ticket.team, phone, dueAt, note, dedupeKey: `rule-callback:${key}` });
        return;
      }
      case 'webhook': {
        await this.d.webhooks.fire(a.webhookId, { rule: as.rule ?? null, ticket: { id: String(ticket._id), number: ticket.number } }, key);
        return;
      }
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof AppError) return `${err.code}: ${err.message}`.slice(0, 300);
  return String((err as Error)?.message ?? err).slice(0, 300);
}
