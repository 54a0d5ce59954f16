import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { EscalationService } from './sla-escalations';
import { serializePolicy, SlaPolicyService } from './sla-policy.service';
import { ackParams, escalationsQuery, policyBody, policyParams } from './sla.schemas';
import { ROLE_SETS } from '../../core/types';


export function slaRoutes(api: ApiRegistry, policies: SlaPolicyService, escalations: EscalationService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/sla-policies', tag: 'sla', summary: 'SLA policies in the order they are tried', auth: 'agent' }, async () => ({
    policies: (await policies.list()).map(serializePolicy),
  }));
  api.route(r, { method: 'post', path: '/api/sla-policies', tag: 'sla', summary: 'Create an SLA policy', auth: ROLE_SETS.managers, body: policyBody, status: 201, errors: [409] }, async ({ body }) =>
    serializePolicy(await policies.create(body)),
  );
  api.route(r, { method: 'put', path: '/api/sla-policies/:id', tag: 'sla', summary: 'Change an SLA policy; live tickets under it get new deadlines', auth: ROLE_SETS.managers, params: policyParams, body: policyBody, errors: [409] }, async ({ params, body }) =>
    serializePolicy(await policies.update(params.id, body)),
  );
  api.route(r, { method: 'get', path: '/api/escalations', tag: 'sla', summary: 'Recent SLA warnings and escalations of your teams', auth: 'agent', query: escalationsQuery }, async ({ query, principal }) => ({
    escalations: await escalations.recent(principal, { team: query.team, limit: query.limit, unacknowledged: query.unacknowledged === 'true' }),
  }));
  api.route(r, { method: 'post', path: '/api/tickets/:number/escalations/:id/ack', tag: 'sla', summary: 'Acknowledge an escalation', auth: ROLE_SETS.leads, params: ackParams }, async ({ params, principal }) =>
    escalations.acknowledge(params.number, params.id, principal),
  );
  return r;
}
