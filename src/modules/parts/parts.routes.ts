import { type Response, Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import type { AgentModel } from '../agents/agent.model';
import { engineerNames, serializeWorkOrder } from '../workorders/workorders.serialize';
import type { OldPartService } from './old-parts.service';
import {
  createPartBody,
  listPartsQuery,
  moveBody,
  movesQuery,
  moveView,
  oldPartsQuery,
  oldPartView,
  partMissingBody,
  partParams,
  partView,
  putPartBody,
  reservationView,
  reserveBody,
  stockQuery,
  stockRowView,
  workOrderParams,
} from './parts.schemas';
import { serializePart, type PartService } from './parts.service';
import { serializeMove, serializeRow, type StockService } from './stock.service';
import type { WorkOrderParts } from './workorder-parts.service';

const WRITERS = ['manager', 'admin'] as const;

/** A repeated ref answers the first result with 200 (and says so), not a second 201. */
function replay<T>(res: Response, replayed: boolean, body: T): T | undefined {
  if (!replayed) return body;
  res.status(200).setHeader('Idempotent-Replayed', 'true').json(body);
  return undefined;
}

export interface PartsRouteDeps {
  parts: PartService;
  stock: StockService;
  workOrderParts: WorkOrderParts;
  oldParts: OldPartService;
  Agent: AgentModel;
}

export function partsRoutes(api: ApiRegistry, d: PartsRouteDeps): Router {
  const r = Router();
  api.components.Part = partView;
  api.components.StockRow = stockRowView;
  api.components.StockMove = moveView;

  api.route(r, { method: 'get', path: '/api/parts', tag: 'parts', summary: 'The parts catalogue (备件): search by sku, a name in either language, or a model it fits', auth: 'agent', query: listPartsQuery, response: z.object({ parts: z.array(partView) }) }, async ({ query }) => ({
    parts: (await d.parts.list(query)).map(serializePart),
  }));

  api.route(r, { method: 'post', path: '/api/parts', tag: 'parts', summary: 'Add a part to the catalogue (managers, admins); price in integer fen', auth: WRITERS, body: createPartBody, status: 201, response: partView, errors: [409] }, async ({ body }) => serializePart(await d.parts.create(body)));

  api.route(r, { method: 'put', path: '/api/parts/:sku', tag: 'parts', summary: 'Replace a part of the catalogue (managers, admins)', auth: WRITERS, params: partParams, body: putPartBody, response: partView }, async ({ params, body }) => {
    if (body.sku && body.sku !== params.sku) throw new ValidationError('A sku cannot change; add the new part with POST /api/parts');
    return serializePart(await d.parts.replace(params.sku, body));
  });

  api.route(r, { method: 'get', path: '/api/stock', tag: 'parts', summary: 'Stock by sku, location and condition: on hand, reserved, available', auth: 'agent', query: stockQuery, response: z.object({ stock: z.array(stockRowView) }) }, async ({ query }) => ({
    stock: (await d.stock.rows(query)).map(serializeRow),
  }));

  api.route(
    r,
    { method: 'post', path: '/api/stock/moves', tag: 'parts', summary: 'Post a stock move (receive, transfer, adjust, scrap, return_defective); idempotent by ref (a repeat answers the first result, 200); 409 insufficient_stock', auth: 'agent', body: moveBody, status: 201, alsoStatus: [200], response: moveView, errors: [409] },
    async ({ body, principal, res }) => {
      const { move, replayed } = await d.stock.post(body, principal);
      return replay(res, replayed, serializeMove(move));
    },
  );

  api.route(r, { method: 'get', path: '/api/stock/moves', tag: 'parts', summary: 'The ledger: every change of stock of a part (newest first), or the move of a ref, with who and why', auth: 'agent', query: movesQuery, response: z.object({ moves: z.array(moveView) }) }, async ({ query }) => ({
    moves: (await d.stock.moves(query)).map(serializeMove),
  }));

  api.route(
    r,
    { method: 'post', path: '/api/work-orders/:id/parts', tag: 'parts', summary: "Reserve parts for a work order (default the engineer's van when it has enough, else central); 409 insufficient_stock", auth: 'agent', params: workOrderParams, body: reserveBody, status: 201, alsoStatus: [200], response: moveView, errors: [409] },
    async ({ params, body, principal, res }) => {
      const { move, replayed } = await d.workOrderParts.reserve(params.id, body, principal);
      return replay(res, replayed, serializeMove(move));
    },
  );

  api.route(r, { method: 'get', path: '/api/work-orders/:id/parts', tag: 'parts', summary: 'What a work order reserved, consumed and released, by part and location', auth: 'agent', params: workOrderParams, response: z.object({ reservations: z.array(reservationView) }) }, async ({ params, principal }) => ({
    reservations: await d.workOrderParts.reservations(params.id, principal),
  }));

  api.route(
    r,
    { method: 'post', path: '/api/work-orders/:id/parts/missing', tag: 'parts', summary: 'A part is missing: the work order ends cannot_complete (part_missing) and its dispatchers are told', auth: 'agent', params: workOrderParams, body: partMissingBody, errors: [409] },
    async ({ params, body, principal }) => {
      const wo = await d.workOrderParts.partMissing(params.id, body, principal);
      return serializeWorkOrder(wo, await engineerNames([wo], d.Agent));
    },
  );

  api.route(r, { method: 'get', path: '/api/old-parts', tag: 'parts', summary: 'Defective parts (旧件) taken out on reports and expected back at central/defective: outstanding, returned or overdue', auth: 'agent', query: oldPartsQuery, response: z.object({ oldParts: z.array(oldPartView) }) }, async ({ query, principal }) => ({
    oldParts: (await d.oldParts.list(principal, query)).map((l) => d.oldParts.serialize(l)),
  }));

  return r;
}
