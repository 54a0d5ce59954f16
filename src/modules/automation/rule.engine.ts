import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../../core/types';
import type { Logger } from '../../logger';
import type { MessageDoc } from '../tickets/message.model';
import type { TicketMessages } from '../tickets/ticket.messages';
import { ticketDocument } from '../tickets/lean-ticket';
import type { TicketDoc } from '../tickets/ticket.model';
import type { TicketChanges } from '../tickets/ticket.observers';
import type { TicketService } from '../tickets/ticket.service';
import { type ActionRunner, summarize } from './actions';
import { type Evaluator, holds } from './conditions';
import { type FactSources, type LinkedRecord, ticketFacts } from './rule.facts';
import type { RuleService, RuleView } from './rule.service';
import { MAX_CHAIN_DEPTH, type RuleEvent } from './rule.vocabulary';

/**
 * One chain of changes: an outside change, the changes rules made in reaction, the changes other
 * rules made to those... Each rule applies at most once per chain; a rule that would apply again
 * (a loop), or any past MAX_CHAIN_DEPTH, is stopped and reported once on the ticket and in the log.
 */
interface Chain {
  root: string;
  depth: number;
  applied: Set<string>;
  stopped: Set<string>;
}

/** The changes a rule makes are written as the rule: a system actor with the rule's id. */
export function ruleActor(rule: { id: string; name: string }): Actor {
  return { type: 'system', id: `rule:${rule.id}`, name: rule.name };
}
export const isRuleActor = (a?: Actor | null) => a?.type === 'system' && !!a.id?.startsWith('rule:');

export interface RuleEngineDeps {
  rules: Pick<RuleService, 'active'>;
  runner: ActionRunner;
  timeline: Pick<TicketMessages, 'addEvent'>;
  tickets: Pick<TicketService, 'messageByKey' | 'byId'>;
  facts: FactSources;
  evaluator: () => Promise<Evaluator>;
  log: Logger;
}

export interface RuleEventInput {
  /** what identifies the event: a change's journal id, a message id, a work order step... */
  key: string;
  changes?: TicketChanges | null;
  message?: MessageDoc | null;
  actor?: Actor | null;
  record?: LinkedRecord | null;
}

/**
 * Runs the rules of an event on a ticket, in order; each rule reads the ticket as the rules before
 * it left it. A rule's application is claimed by its timeline line (`rule:<rule>:<event>`), so an
 * event run twice (a re-driven observer) applies each rule once.
 */
export class RuleEngine {
  private readonly chains = new AsyncLocalStorage<Chain>();

  constructor(private readonly d: RuleEngineDeps) {}

  async onEvent(event: RuleEvent, ticket: TicketDoc, input: RuleEventInput): Promise<TicketDoc> {
    const rules = await this.d.rules.active(event);
    if (!rules.length) return ticket;
    const chain = this.chains.getStore();
    // A rule's change whose chain is gone (re-driven after a crash) starts no new chain: its rules ran then.
    if (!chain && isRuleActor(input.actor)) return ticket;
    const current: Chain = chain ?? { root: `${ticket._id}:${input.key}`, depth: 0, applied: new Set(), stopped: new Set() };
    const ev = await this.d.evaluator();
    let t = ticket;
    const stoppedNow: RuleView[] = [];
    for (const rule of rules) {
      const facts = ticketFacts(t, this.d.facts, { message: input.message, changes: input.changes, record: input.record });
      if (!(await holds(rule.conditions, facts, ev))) continue;
      if (current.applied.has(rule.id) || current.depth >= MAX_CHAIN_DEPTH) {
        stoppedNow.push(rule);
        continue;
      }
      t = await this.apply(rule, ticketDocument(t), event, input.key, current);
    }
    if (stoppedNow.length) await this.reportLoop(ticketDocument(t), current, stoppedNow);
    return t;
  }

  /** A time rule whose state has held long enough: applied as the start of its own chain. */
  async fire(rule: RuleView, ticket: TicketDoc, key: string): Promise<TicketDoc> {
    return this.apply(rule, ticket, 'time', key, { root: `${ticket._id}:${key}`, depth: 0, applied: new Set(), stopped: new Set() });
  }

  private async apply(rule: RuleView, ticket: TicketDoc, event: RuleEvent, eventKey: string, chain: Chain): Promise<TicketDoc> {
    const key = `rule:${rule.id}:${ticket._id}:${eventKey}`;
    chain.applied.add(rule.id);
    if (await this.d.tickets.messageByKey(`event:${key}`)) return ticket; // applied for this event before
    await this.d.timeline.addEvent(
      ticket,
      { type: 'rule_applied', data: { ruleId: rule.id, rule: rule.name, event, actions: rule.actions.map(summarize) } },
      `Rule "${rule.name}" applied (${rule.actions.map((a) => a.type).join(', ')})`,
      { key },
    );
    const next: Chain = { ...chain, depth: chain.depth + 1 };
    const { ticket: after, failures } = await this.chains.run(next, () =>
      this.d.runner.apply(ticket, rule.actions, { principal: null, actor: ruleActor(rule), key, rule: { id: rule.id, name: rule.name } }),
    );
    for (const [i, f] of failures.entries()) {
      this.d.log.warn({ ticket: ticket.number, rule: rule.id, action: f.action, err: f.error }, 'rule action failed');
      await this.d.timeline.addEvent(after, { type: 'rule_failed', data: { ruleId: rule.id, rule: rule.name, action: f.action, error: f.error } }, `Rule "${rule.name}": ${f.action} failed: ${f.error}`, { key: `${key}:failed:${i}` });
    }
    return (await this.d.tickets.byId(after._id as never)) ?? after;
  }

  private async reportLoop(ticket: TicketDoc, chain: Chain, rules: RuleView[]): Promise<void> {
    const fresh = rules.filter((r) => !chain.stopped.has(r.id));
    if (!fresh.length) return;
    for (const r of fresh) chain.stopped.add(r.id);
    const names = fresh.map((r) => r.name);
    this.d.log.warn({ ticket: ticket.number, rules: names, depth: chain.depth, limit: MAX_CHAIN_DEPTH }, 'automation loop stopped: these rules would have applied again in one chain of changes');
    await this.d.timeline.addEvent(
      ticket,
      { type: 'rule_loop_stopped', data: { rules: names, limit: MAX_CHAIN_DEPTH } },
      `Automation stopped a loop: ${names.join(', ')} would have applied again (each rule applies once per chain of changes, at most ${MAX_CHAIN_DEPTH} deep)`,
      { key: `loop:${chain.root}:${[...chain.stopped].join(',')}` },
    );
  }
}
