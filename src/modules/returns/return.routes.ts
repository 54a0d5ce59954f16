import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { sendDownload } from '../../http/send-file';
import type { ReturnAttachments } from './return.attachments';
import { attachmentParams, createReturnBody, listReturnsQuery, returnEventBody, returnIdParams, returnView, stepResult, ticketNumberParams, uploadQuery } from './return.schemas';
import { serializeEvent, serializeReturn } from './return.serialize';
import type { ReturnService } from './return.service';
import type { ReturnSteps } from './return.steps';

export function returnRoutes(api: ApiRegistry, d: { returns: ReturnService; steps: ReturnSteps; attachments: ReturnAttachments }): Router {
  const r = Router();
  api.components.Return = returnView;

  api.route(
    r,
    { method: 'post', path: '/api/tickets/:number/returns', tag: 'returns', summary: 'Ask for a return, exchange or repair of a unit (422 not_entitled outside its entitlement unless the warranty team or a manager overrides; 200 with the first return for a repeated clientId)', auth: 'agent', params: ticketNumberParams, body: createReturnBody, status: 201, response: returnView },
    async ({ params, body, principal, res }) => {
      const { ret, created } = await d.returns.create(params.number, body, principal);
      if (!created) res.status(200).json(serializeReturn(ret, principal));
      return serializeReturn(ret, principal);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/returns', tag: 'returns', summary: 'Returns and exchanges of your teams (status=open: everything not closed, the returns team\'s work list), newest first', auth: 'agent', query: listReturnsQuery, response: z.object({ returns: z.array(returnView), nextCursor: z.string().nullable() }) },
    async ({ query, principal }) => {
      const { returns, nextCursor } = await d.returns.list(query, principal);
      return { returns: returns.map((x) => serializeReturn(x, principal)), nextCursor };
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/returns/:id', tag: 'returns', summary: 'One return with its steps, attachments and the steps that may follow', auth: 'agent', params: returnIdParams, response: returnView },
    async ({ params, principal }) => serializeReturn(await d.returns.visible(params.id, principal), principal),
  );

  api.route(
    r,
    { method: 'post', path: '/api/returns/:id/events', tag: 'returns', summary: 'One step: approve, reject, receive, inspect, refund (amount in fen), replace (newSerial), repair, close; 409 invalid_transition when it does not follow; a repeated clientId answers the first step (200) and changes nothing', auth: 'agent', params: returnIdParams, body: returnEventBody, status: 201, response: stepResult },
    async ({ params, body, principal, res }) => {
      const { ret, event, replayed } = await d.steps.step(params.id, body, principal);
      const out = { ...serializeReturn(ret, principal), event: serializeEvent(event), replayed };
      if (replayed) res.status(200).json(out);
      return out;
    },
  );

  api.route(
    r,
    { method: 'post', path: '/api/returns/:id/attachments', tag: 'returns', summary: 'Add an inspection photo or a document: the file as the body with its Content-Type (JPEG, PNG, WebP, GIF, HEIC, PDF; at most 10 MB)', auth: 'agent', params: returnIdParams, query: uploadQuery, contentType: 'image/jpeg', status: 201, response: returnView },
    async ({ params, query, principal, req }) => {
      const length = req.get('content-length');
      const { ret } = await d.attachments.add(params.id, principal, req, { filename: query.filename, contentType: req.get('content-type') ?? '', length: length === undefined ? null : Number(length) });
      return serializeReturn(ret, principal);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/returns/:id/attachments/:attachmentId', tag: 'returns', summary: 'Download an attachment of a return (those who may read the return)', auth: 'agent', params: attachmentParams },
    async ({ params, principal, res }) => {
      const { file, attachment } = await d.attachments.file(params.id, params.attachmentId, principal);
      await sendDownload(res, file, attachment);
      return undefined;
    },
  );

  return r;
}
