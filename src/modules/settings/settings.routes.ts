import { Router } from 'express';
import { z } from 'zod';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import { CONFIG_ENTITIES, type ConfigAuditLog } from '../audit/config-audit';

const auditQuery = z.strictObject({
  entity: z.enum(CONFIG_ENTITIES).optional(),
  key: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().regex(/^[a-f0-9]{24}$/, 'the nextCursor of a previous page').optional(),
});

export function settingsRoutes(api: ApiRegistry, audit: ConfigAuditLog): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/settings/audit', tag: 'settings', summary: 'Who changed which setting, when, and the fields before and after (managers, admins)', auth: ROLE_SETS.managers, query: auditQuery }, async ({ query }) =>
    audit.list({ entity: query.entity, key: query.key, limit: query.limit, before: query.cursor }),
  );
  return r;
}
