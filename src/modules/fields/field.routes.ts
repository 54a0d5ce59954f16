import { Router } from 'express';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import { createFieldBody, fieldKeyParams, listFieldsQuery, updateFieldBody } from './field.schemas';
import type { FieldService } from './field.service';

export function fieldRoutes(api: ApiRegistry, fields: FieldService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/fields', tag: 'fields', summary: 'Custom fields of tickets and units', auth: 'agent', query: listFieldsQuery }, async ({ query }) => ({ fields: await fields.list(query.appliesTo) }));
  api.route(r, { method: 'post', path: '/api/fields', tag: 'fields', summary: 'Add a custom field (managers)', auth: ROLE_SETS.managers, errors: [409], body: createFieldBody, status: 201 }, async ({ body }) => fields.create(body));
  api.route(r, { method: 'put', path: '/api/fields/:key', tag: 'fields', summary: 'Change a custom field (its type stays); `active:false` retires it', auth: ROLE_SETS.managers, errors: [409], params: fieldKeyParams, body: updateFieldBody }, async ({ params, body }) => fields.update(params.key, body));
  return r;
}
