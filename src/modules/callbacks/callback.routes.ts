import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import { z } from 'zod';
import { attemptBody, callbackIdParams, callbackView, listCallbacksQuery, requestCallbackBody } from './callback.schemas';
import type { CallbackService } from './callback.service';

export function callbackRoutes(api: ApiRegistry, callbacks: CallbackService): Router {
  const r = Router();
  api.components.Callback = callbackView;

  api.route(
    r,
    { method: 'get', path: '/api/callbacks', tag: 'callbacks', summary: 'Callback and follow-up (回访) tasks of your teams, soonest due first', auth: 'agent', query: listCallbacksQuery, response: z.object({ callbacks: z.array(callbackView) }) },
    async ({ query, principal }) => ({ callbacks: await callbacks.list(principal, query) }),
  );

  api.route(
    r,
    { method: 'post', path: '/api/callbacks', tag: 'callbacks', summary: 'Schedule a callback the customer asked for, at the time they chose', auth: 'agent', body: requestCallbackBody, status: 201, response: callbackView },
    async ({ body, principal }) => callbacks.view(await callbacks.request(principal, body)),
  );

  api.route(
    r,
    { method: 'post', path: '/api/callbacks/:id/attempts', tag: 'callbacks', summary: 'Record a call attempt: reached, no answer (retried later, at most three times) or wrong number', auth: 'agent', params: callbackIdParams, body: attemptBody, status: 201, errors: [409], response: callbackView },
    async ({ params, body, principal }) => callbacks.view(await callbacks.recordAttempt(params.id, principal, body)),
  );

  return r;
}
