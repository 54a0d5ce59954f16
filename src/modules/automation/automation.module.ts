import type { Job } from 'bullmq';
import { Types } from 'mongoose';
import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { CallbackService } from '../callbacks/callback.service';
import type { CustomerService } from '../customers/customer.service';
import type { FieldService } from '../fields/field.service';
import type { TeamService } from '../teams/team.service';
import type { Deliver, TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { ActionRunner, type RuleWebhooks } from './actions';
import { AutomationObserver } from './automation.observer';
import { automationRoutes } from './automation.routes';
import { type Evaluator, fixedKind } from './conditions';
import { LinkedEvents, type LinkedEvent } from './linked-events';
import { macroModel } from './macro.model';
import { MacroService } from './macro.service';
import { RuleDryRun } from './rule.dryrun';
import { RuleEngine } from './rule.engine';
import { type FactSources, productOnTicket, type UnitLookup } from './rule.facts';
import { automationModels } from './rule.model';
import { RuleService } from './rule.service';
import { fieldEntry, type ValidationSources } from './rule.validate';
import { substringMatcher, type TextMatcher } from './text-matcher';
import { type TimeJob, TimeRules } from './time-rules';

const SWEEP_EVERY_MS = 60_000;

export interface AutomationModuleDeps {
  tickets: TicketService;
  timeline: Pick<TicketMessages, 'addEvent' | 'addAutomatic' | 'reply'>;
  updates: Pick<TicketUpdates, 'update'>;
  deliver: Deliver;
  callbacks: Pick<CallbackService, 'create'>;
  customers: Pick<CustomerService, 'get'>;
  teams: Pick<TeamService, 'exists'>;
  fields: Pick<FieldService, 'list'>;
  webhooks: RuleWebhooks;
  /** "contains" on text; the search module's analyzer once it is wired, else width- and case-folded substrings */
  matcher?: TextMatcher;
  /** the unit a ticket is about (the units module: `unitFacts`); else the product named on the ticket */
  unit?: UnitLookup;
}

export type AutomationModule = AppModule & { rules: RuleService; macros: MacroService; engine: RuleEngine; time: TimeRules; linked: LinkedEvents };

/**
 * Automation: rules on ticket, message, work order and return events and on time, their editor's
 * API and dry run, and macros. Rules run in the ticket observer chain (`automation`); time rules
 * and the work order and return events run in the workers.
 */
export function automationModule(core: Core, d: AutomationModuleDeps): AutomationModule {
  const { Ticket, Message, Agent, Customer } = core.models;
  const log = core.log.child({ component: 'automation' });
  const models = automationModels(core.conn, core.clock);
  const matcher = d.matcher ?? substringMatcher;
  const validation: ValidationSources = {
    fields: () => d.fields.list(),
    teamExists: (key) => d.teams.exists(key),
    agentExists: async (id) => Types.ObjectId.isValid(id) && !!(await Agent.exists({ _id: id, active: true })),
    webhookExists: (id) => d.webhooks.exists(id),
  };
  const evaluator = async (): Promise<Evaluator> => {
    const defs = new Map((await d.fields.list()).map((f) => [f.key, f]));
    return { matcher, kindOf: (field) => fixedKind(field) ?? (field.startsWith('fields.') || field.startsWith('unit.fields.') ? fieldEntry(field, defs) : null) };
  };
  const facts: FactSources = {
    customer: (id) => d.customers.get(String(id)),
    message: async (id) => (Types.ObjectId.isValid(id) ? Message.findById(id) : null),
    unit: d.unit ?? productOnTicket,
    clock: core.clock,
  };
  const rules = new RuleService({ Rule: models.Rule, redis: core.redis, prefix: core.config.queuePrefix, validation });
  const runner = new ActionRunner({ tickets: d.tickets, updates: d.updates, timeline: d.timeline, deliver: d.deliver, callbacks: d.callbacks, customers: d.customers, webhooks: d.webhooks, fields: d.fields, clock: core.clock, log });
  const engine = new RuleEngine({ rules, runner, timeline: d.timeline, tickets: d.tickets, facts, evaluator, log });
  const time = new TimeRules({ Ticket, Timer: models.Timer, StateClock: models.StateClock, rules, engine, facts, evaluator, queues: core.queues, clock: core.clock, log });
  rules.onChanged((rule, removed) => time.ruleChanged(rule, removed));
  const dryRun = new RuleDryRun({ Ticket, Message, StateClock: models.StateClock, facts, evaluator, time });
  const macros = new MacroService({ Macro: macroModel(core.conn, core.clock), runner, tickets: d.tickets, timeline: d.timeline, validation });
  const linked = new LinkedEvents({ queues: core.queues, tickets: d.tickets, log });
  linked.useEngine(engine);
  const observer = new AutomationObserver(engine, time);

  return {
    name: 'automation',
    rules,
    macros,
    engine,
    time,
    linked,
    routes: (api) => [automationRoutes(api, { rules, dryRun, macros, Agent, Customer })],
    ticketObservers: () => [observer],
    processors: () => ({
      automation: {
        time: (job: Job<TimeJob>) => time.fire(job.data),
        sweep: () => time.sweep(),
        backfill: (job: Job<{ ruleId: string; rev: number; after: string | null }>) => time.backfill(job.data),
        linked: (job: Job<LinkedEvent>) => linked.process(job.data),
      },
    }),
    async startWorkers() {
      const q = core.queues.get('automation');
      await q.upsertJobScheduler('automation-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
      // a worker coming back fires what fell due while it was away, without waiting a minute
      await q.add('sweep', {}, { jobId: `automation-sweep-start-${Date.now()}`, removeOnComplete: true });
    },
  };
}
