import type { MessageModel } from '../tickets/message.model';
import type { TicketDoc, TicketModel } from '../tickets/ticket.model';
import { type Evaluator, holds } from './conditions';
import { type FactSources, ticketFacts } from './rule.facts';
import type { StateClockModel } from './rule.model';
import type { RuleInput } from './rule.schemas';
import type { RuleView } from './rule.service';
import { CHANGE_OPS } from './rule.vocabulary';
import type { TimeRules } from './time-rules';

const HOUR = 3600_000;

export interface DryRunDeps {
  Ticket: TicketModel;
  Message: MessageModel;
  StateClock: StateClockModel;
  facts: FactSources;
  evaluator: () => Promise<Evaluator>;
  time: Pick<TimeRules, 'entry' | 'sinceOf'>;
}

/**
 * "This rule would have matched 12 of the last 200": the conditions of an unsaved rule on the most
 * recent tickets as they are now. What a past event carried is read from the ticket: its latest
 * message stands for the message, and a change `to` a value counts where the ticket has that value
 * now (`from` never holds). A time rule counts tickets whose state has held long enough now.
 */
export class RuleDryRun {
  constructor(private readonly d: DryRunDeps) {}

  async run(rule: RuleInput, limit: number): Promise<{ matched: number; of: number; tickets: number[] }> {
    const tickets: TicketDoc[] = await this.d.Ticket.find({}).sort({ _id: -1 }).limit(limit);
    const conds = [...rule.conditions.all, ...rule.conditions.any];
    const needsMessage = conds.some((c) => c.field.startsWith('message.'));
    const messages = needsMessage
      ? new Map((await this.d.Message.find({ _id: { $in: tickets.map((t) => t.lastMessageId).filter((x): x is string => !!x) } })).map((m) => [String(m._id), m]))
      : new Map();
    const clocks = rule.on === 'time' ? new Map((await this.d.StateClock.find({ _id: { $in: tickets.map((t) => String(t._id)) } }).lean()).map((c) => [c._id, c])) : new Map();
    const ev = await this.d.evaluator();
    const view = { ...rule, id: 'dry-run', rev: 0, createdAt: null, updatedAt: null } as RuleView;
    const now = this.d.facts.clock.now().getTime();
    const matched: number[] = [];
    for (const t of tickets) {
      const base = ticketFacts(t, this.d.facts, { message: t.lastMessageId ? (messages.get(t.lastMessageId) ?? null) : null });
      const changes: Record<string, [unknown, unknown]> = {};
      for (const c of conds) if (CHANGE_OPS.includes(c.op)) changes[c.field] = [null, await base.get(c.field)];
      const facts = { get: base.get, changes };
      if (rule.on === 'time') {
        const entry = this.d.time.entry(view, t, this.d.time.sinceOf(t, clocks.get(String(t._id))));
        if (entry === null || entry + rule.conditions.since!.hours * HOUR > now) continue;
      }
      if (await holds(rule.conditions, facts, ev)) matched.push(t.number);
    }
    return { matched: matched.length, of: tickets.length, tickets: matched.slice(0, 50) };
  }
}
