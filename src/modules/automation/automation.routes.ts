import { Router } from 'express';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import { serializeTicket, loadNames } from '../tickets/ticket.serialize';
import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { VocabularyPayload } from './automation.payloads';
import type { MacroService } from './macro.service';
import { ACTION_TYPES, CHANGE_EVENTS, CHANGE_OPS, CONDITION_FIELDS, KIND_OF_FIELD_TYPE, MACRO_ACTION_TYPES, OPS_BY_KIND, RULE_EVENTS } from './rule.vocabulary';
import type { RuleDryRun } from './rule.dryrun';
import { applyMacroParams, dryRunBody, macroBody, macroIdParams, ruleBody, ruleIdParams } from './rule.schemas';
import type { RuleService } from './rule.service';

export interface AutomationRouteDeps {
  rules: RuleService;
  dryRun: RuleDryRun;
  macros: MacroService;
  Agent: AgentModel;
  Customer: CustomerModel;
}

/** Rules (managers), their dry run, and macros (every agent: their own, their teams', everybody's). */
export function automationRoutes(api: ApiRegistry, d: AutomationRouteDeps): Router {
  const r = Router();
  const managers = ROLE_SETS.managers;
  api.route(r, { method: 'get', path: '/api/automations', tag: 'automation', summary: 'Automation rules, in order', auth: managers }, async () => ({ rules: await d.rules.list() }));
  api.route(r, { method: 'post', path: '/api/automations', tag: 'automation', summary: 'Add a rule: {name, active, on, conditions, actions, order}', auth: managers, body: ruleBody, status: 201 }, async ({ body, principal }) => d.rules.create(body, principal));
  api.route(r, { method: 'post', path: '/api/automations/dry-run', tag: 'automation', summary: 'How many of the most recent tickets a rule (as edited, unsaved) would match now', auth: managers, body: dryRunBody }, async ({ body }) => {
    await d.rules.validate(body.rule);
    return d.dryRun.run(body.rule, body.limit);
  });
  api.route(r, { method: 'get', path: '/api/automations/vocabulary', tag: 'automation', summary: 'What rules and macros are written in: events, condition fields and their operators, actions', auth: 'agent' }, async (): Promise<VocabularyPayload> => ({
    events: RULE_EVENTS,
    fields: CONDITION_FIELDS,
    opsByKind: OPS_BY_KIND,
    changeOps: CHANGE_OPS,
    changeEvents: CHANGE_EVENTS,
    actions: ACTION_TYPES,
    macroActions: MACRO_ACTION_TYPES,
    kindOfFieldType: KIND_OF_FIELD_TYPE,
  }));
  api.route(r, { method: 'get', path: '/api/automations/:id', tag: 'automation', summary: 'One rule', auth: managers, params: ruleIdParams }, async ({ params }) => d.rules.get(params.id));
  api.route(r, { method: 'put', path: '/api/automations/:id', tag: 'automation', summary: 'Replace a rule (a time rule re-plans its tickets)', auth: managers, params: ruleIdParams, body: ruleBody }, async ({ params, body, principal }) => d.rules.update(params.id, body, principal));
  api.route(r, { method: 'delete', path: '/api/automations/:id', tag: 'automation', summary: 'Delete a rule', auth: managers, params: ruleIdParams }, async ({ params }) => d.rules.remove(params.id));

  api.route(r, { method: 'get', path: '/api/macros', tag: 'automation', summary: 'The macros you may apply: yours, your teams\' and everybody\'s', auth: 'agent' }, async ({ principal }) => ({ macros: await d.macros.list(principal) }));
  api.route(r, { method: 'post', path: '/api/macros', tag: 'automation', summary: 'Add a macro (personal: anyone; team: its leads; global: managers)', auth: 'agent', body: macroBody, status: 201 }, async ({ body, principal }) => d.macros.create(body, principal));
  api.route(r, { method: 'put', path: '/api/macros/:id', tag: 'automation', summary: 'Replace a macro', auth: 'agent', params: macroIdParams, body: macroBody }, async ({ params, body, principal }) => d.macros.update(params.id, body, principal));
  api.route(r, { method: 'delete', path: '/api/macros/:id', tag: 'automation', summary: 'Delete a macro', auth: 'agent', params: macroIdParams }, async ({ params, principal }) => d.macros.remove(params.id, principal));
  api.route(r, { method: 'post', path: '/api/tickets/:number/macros/:id', tag: 'automation', summary: 'Apply a macro to a ticket in one step', auth: 'agent', params: applyMacroParams }, async ({ params, principal }) => {
    const { ticket, failures } = await d.macros.apply(params.number, params.id, principal);
    return { ticket: serializeTicket(ticket, await loadNames([ticket], d.Agent, d.Customer)), failures };
  });
  return r;
}
