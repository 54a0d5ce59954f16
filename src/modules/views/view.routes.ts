import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import { viewBody, viewParams, viewsQuery } from './view.schemas';
import { serializeView, type ViewService } from './view.service';

export function viewRoutes(api: ApiRegistry, views: ViewService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/views', tag: 'views', summary: 'Your saved ticket views and your teams\' ones; `counts=true` adds how many tickets each finds', auth: 'agent', query: viewsQuery }, async ({ query, principal }) => ({
    views: await views.list(principal, { counts: query.counts === 'true' }),
  }));
  api.route(r, { method: 'post', path: '/api/views', tag: 'views', summary: 'Save a view: a name and the filters of GET /api/tickets (team views: supervisors of the team, managers)', auth: 'agent', errors: [409], body: viewBody, status: 201 }, async ({ body, principal }) =>
    serializeView(await views.create(body, principal)),
  );
  api.route(r, { method: 'put', path: '/api/views/:id', tag: 'views', summary: 'Change a saved view', auth: 'agent', errors: [409], params: viewParams, body: viewBody }, async ({ params, body, principal }) =>
    serializeView(await views.update(params.id, body, principal)),
  );
  api.route(r, { method: 'delete', path: '/api/views/:id', tag: 'views', summary: 'Delete a saved view', auth: 'agent', params: viewParams }, async ({ params, principal }) => {
    await views.remove(params.id, principal);
  });
  return r;
}
