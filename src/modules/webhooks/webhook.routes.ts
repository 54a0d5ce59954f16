import { Router } from 'express';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import type { WebhookDeliveries } from './webhook.deliveries';
import { createWebhookBody, deliveriesQuery, deliveryParams, rotateBody, updateWebhookBody, webhookIdParams } from './webhook.schemas';
import type { WebhookService } from './webhook.service';

/** Outgoing webhooks, for managers and admins: subscriptions, secrets shown once, rotation, the delivery log and replay. */
export function webhookRoutes(api: ApiRegistry, webhooks: WebhookService, deliveries: WebhookDeliveries): Router {
  const r = Router();
  const who = ROLE_SETS.managers;
  api.route(r, { method: 'get', path: '/api/webhooks', tag: 'webhooks', summary: 'Outgoing webhooks (never their secrets)', auth: who }, async () => ({ webhooks: await webhooks.list() }));
  api.route(r, { method: 'post', path: '/api/webhooks', tag: 'webhooks', summary: 'Subscribe a URL to events; the answer carries the signing secret, shown this once', auth: who, errors: [422], body: createWebhookBody, status: 201 }, async ({ body, principal }) => webhooks.create(body, principal));
  api.route(r, { method: 'get', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'One webhook', auth: who, params: webhookIdParams }, async ({ params }) => webhooks.get(params.id));
  api.route(r, { method: 'put', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'Change a webhook; `active:true` enables a disabled one', auth: who, errors: [422], params: webhookIdParams, body: updateWebhookBody }, async ({ params, body }) => webhooks.update(params.id, body));
  api.route(r, { method: 'delete', path: '/api/webhooks/:id', tag: 'webhooks', summary: 'Delete a webhook', auth: who, params: webhookIdParams }, async ({ params }) => webhooks.remove(params.id));
  api.route(r, { method: 'post', path: '/api/webhooks/:id/rotate', tag: 'webhooks', summary: 'A new signing secret (shown once); the old one stays valid for keepOldFor, both signing meanwhile', auth: who, params: webhookIdParams, body: rotateBody }, async ({ params, body }) => webhooks.rotate(params.id, body.keepOldFor));
  api.route(r, { method: 'get', path: '/api/webhooks/:id/deliveries', tag: 'webhooks', summary: 'Deliveries of a webhook, newest first, each attempt with its status and latency', auth: who, params: webhookIdParams, query: deliveriesQuery }, async ({ params, query }) => {
    await webhooks.get(params.id);
    return deliveries.list(params.id, { limit: query.limit, before: query.cursor });
  });
  api.route(r, { method: 'post', path: '/api/webhooks/:id/deliveries/:deliveryId/replay', tag: 'webhooks', summary: 'Send a delivery again (the same message and webhook-id)', auth: who, params: deliveryParams, status: 202 }, async ({ params }) => deliveries.replay(params.id, params.deliveryId));
  return r;
}
