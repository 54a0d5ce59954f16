import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { EscalationService } from './sla-escalations';
import { serializePolicy, SlaPolicyService } from './sla-policy.service';
import { ackParams, escalationsQuery, policyBody, policyParams, previewBody, reorderBody } from './sla.schemas';
import { ROLE_SETS } from '../../core/types';
import type { Clock } from '../../infra/clock';


export function slaRoutes(api: ApiRegistry, policies: SlaPolicyService, escalations: EscalationService, clock: Clock): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/sla-policies', tag: 'sla', summary: 'SLA policies in the order they are tried', auth: 'agent' }, async () => ({
    policies: (await policies.list()).map(serializePolicy),
  }));
  api.route(r, { method: 'post', path: '/api/sla-policies', tag: 'sla', summary: 'Create an SLA policy', auth: ROLE_SETS.managers, body: policyBody, status: 201, errors: [409] }, async ({ body, principal }) =>
    serializePolicy(await policies.create(body, principal.actor)),
  );
  // before /:id, so "order" and "preview" are not taken for ids
  api.route(r, { method: 'post', path: '/api/sla-policies/order', tag: 'sla', summary: 'Put the policies in a new order (first to last); answers them in that order', auth: ROLE_SETS.managers, body: reorderBody }, async ({ body, principal }) => ({
    policies: (await policies.reorder(body.ids, principal.actor)).map(serializePolicy),
  }));
  api.route(r, { method: 'post', path: '/api/sla-policies/preview', tag: 'sla', summary: 'Which policy a sample ticket gets, and when its targets fall due', auth: 'agent', body: previewBody }, async ({ body }) =>
    policies.preview(body, body.at ? new Date(body.at) : clock.now()),
  );
  api.route(r, { method: 'put', path: '/api/sla-policies/:id', tag: 'sla', summary: 'Change an SLA policy; live tickets under it get new deadlines', auth: ROLE_SETS.managers, params: policyParams, body: policyBody, errors: [409] }, async ({ params, body, principal }) =>
    serializePolicy(await policies.update(params.id, body, principal.actor)),
  );
  api.route(r, { method: 'get', path: '/api/escalations', tag: 'sla', summary: 'Recent SLA warnings and escalations of your teams', auth: 'agent', query: escalationsQuery }, async ({ query, principal }) => ({
    escalations: await escalations.recent(principal, { team: query.team, limit: query.limit, unacknowledged: query.unacknowledged === 'true' }),
  }));
  api.route(r, { method: 'post', path: '/api/tickets/:number/escalations/:id/ack', tag: 'sla', summary: 'Acknowledge an escalation', auth: ROLE_SETS.leads, params: ackParams }, async ({ params, principal }) =>
    escalations.acknowledge(params.number, params.id, principal),
  );
  return r;
}
