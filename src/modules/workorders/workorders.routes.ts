import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import express, { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import type { AgentModel } from '../agents/agent.model';
import { ticketNumberParams } from '../tickets/ticket.schemas';
import type { DispatchBoard } from './dispatch-board';
import type { WorkOrderDoc } from './workorders.model';
import { boardQuery, correctionBody, createWorkOrderBody, listWorkOrdersQuery, patchWorkOrderBody, photoParams, reportBody, stepBody, workOrderParams, workOrderView } from './workorders.schemas';
import { engineerNames, serializeWorkOrder } from './workorders.serialize';
import type { WorkOrderService } from './workorders.service';
import { PHOTO_TYPES, type ServiceReportService } from './service-report.service';
import type { ServiceReportDoc } from './workorders.model';

export interface WorkOrderRouteDeps {
  workOrders: WorkOrderService;
  reports: ServiceReportService;
  board: DispatchBoard;
  Agent: AgentModel;
}

const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const DISPATCHERS_NOTE = 'dispatchers: agents and supervisors of the work order\'s team, managers';

export function serializeReport(r: ServiceReportDoc) {
  return {
    version: r.version,
    diagnosis: r.diagnosis,
    work: r.work,
    labourMinutes: r.labourMinutes,
    parts: r.parts.map((p) => ({ sku: p.sku, qty: p.qty, ...(p.defectiveSerial ? { defectiveSerial: p.defectiveSerial } : {}), ...(p.newSerial ? { newSerial: p.newSerial } : {}) })),
    photos: r.photos,
    signature: r.signature?.name ? { name: r.signature.name, png: r.signature.png } : null,
    refused: r.refused?.reason ? { reason: r.refused.reason } : null,
    correction: r.correction ?? null,
    filedBy: { id: r.filedBy?.id ?? null, name: r.filedBy?.name ?? '' },
    filedAt: r.createdAt,
  };
}

export function workOrderRoutes(api: ApiRegistry, d: WorkOrderRouteDeps): Router {
  const r = Router();
  const views = async (list: WorkOrderDoc[]) => {
    const names = await engineerNames(list, d.Agent);
    return list.map((w) => serializeWorkOrder(w, names));
  };
  const view = async (w: WorkOrderDoc) => (await views([w]))[0];

  api.route(r, { method: 'post', path: '/api/tickets/:number/work-orders', tag: 'workorders', summary: 'Raise a work order (工单) from a ticket; engineer and window only by dispatchers', auth: 'agent', params: ticketNumberParams, body: createWorkOrderBody, response: workOrderView, status: 201 }, async ({ params, body, principal }) =>
    view(await d.workOrders.create(params.number, body, principal)),
  );

  api.route(r, { method: 'get', path: '/api/work-orders', tag: 'workorders', summary: 'Work orders you may see (engineers: their own and their teams\'), by window', auth: 'agent', query: listWorkOrdersQuery }, async ({ query, principal }) => ({
    workOrders: await views(await d.workOrders.list(principal, query)),
  }));

  api.route(r, { method: 'get', path: '/api/work-orders/:id', tag: 'workorders', summary: 'One work order', auth: 'agent', params: workOrderParams, response: workOrderView }, async ({ params, principal }) =>
    view(await d.workOrders.visible(params.id, principal)),
  );

  api.route(r, { method: 'patch', path: '/api/work-orders/:id', tag: 'workorders', summary: `Change engineer, window, address or emergency (${DISPATCHERS_NOTE})`, auth: 'agent', params: workOrderParams, body: patchWorkOrderBody, response: workOrderView }, async ({ params, body, principal }) =>
    view(await d.workOrders.patch(params.id, body, principal)),
  );

  api.route(r, { method: 'post', path: '/api/work-orders/:id/events', tag: 'workorders', summary: 'One state step; a repeated clientId answers the first result and changes nothing; 409 invalid_transition when the step does not follow', auth: 'agent', errors: [409], params: workOrderParams, body: stepBody, response: workOrderView }, async ({ params, body, principal, res }) => {
    const { wo, replayed } = await d.workOrders.step(params.id, body, principal);
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    return view(wo);
  });

  api.route(r, { method: 'get', path: '/api/dispatch/board', tag: 'workorders', summary: 'The dispatch board of a team and local day: engineers with their work orders, the unassigned pool, business hours', auth: 'agent', query: boardQuery }, async ({ query, principal }) =>
    d.board.board(query.date, query.team, principal),
  );

  api.route(r, { method: 'post', path: '/api/work-orders/:id/report', tag: 'workorders', summary: 'File the service report (技术服务报告单): completes the work order; a second report is 409 report_locked', auth: 'agent', errors: [409], params: workOrderParams, body: reportBody, status: 201 }, async ({ params, body, principal, res }) => {
    const { report, workOrder, replayed } = await d.reports.file(params.id, body, principal);
    const answer = { report: serializeReport(report), workOrder: await view(workOrder) };
    if (!replayed) return answer;
    res.status(200).setHeader('Idempotent-Replayed', 'true').json(answer); // the first result, not a second filing
    return undefined;
  });

  api.route(r, { method: 'put', path: '/api/work-orders/:id/report', tag: 'workorders', summary: 'Correct a filed report: a new version (supervisors of the team, managers)', auth: ['supervisor', 'manager', 'director', 'admin'], errors: [409], params: workOrderParams, body: correctionBody, status: 201 }, async ({ params, body, principal }) => {
    const { report, workOrder } = await d.reports.correct(params.id, body, principal);
    return { report: serializeReport(report), workOrder: await view(workOrder) };
  });

  api.route(r, { method: 'get', path: '/api/work-orders/:id/report', tag: 'workorders', summary: 'The latest version of the service report', auth: 'agent', params: workOrderParams }, async ({ params, principal }) =>
    serializeReport((await d.reports.latest(params.id, principal)).report),
  );

  api.route(r, { method: 'get', path: '/api/work-orders/:id/report.pdf', tag: 'workorders', summary: 'The service report as PDF (Chinese text rendered with an embedded CJK font)', auth: 'agent', params: workOrderParams }, async ({ params, principal, res }) => {
    const { pdf, filename } = await d.reports.pdf(params.id, principal);
    res.status(200).type('application/pdf').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(pdf);
    return undefined;
  });

  api.route(r, { method: 'get', path: '/api/work-orders/:id/photos/:photoId', tag: 'workorders', summary: 'A photo taken on site', auth: 'agent', params: photoParams }, async ({ params, principal, res }) => {
    const photo = await d.reports.photoFile(params.id, params.photoId, principal);
    res.status(200).setHeader('Content-Type', photo.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${photo.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    await pipeline(fs.createReadStream(photo.file), res);
    return undefined;
  });
  return r;
}

/** The photo upload takes the raw image as the body, so it is mounted before the JSON parser. */
export function workOrderRawRoutes(api: ApiRegistry, d: Pick<WorkOrderRouteDeps, 'reports'>): Router {
  const r = Router();
  const raw = express.raw({ type: [...PHOTO_TYPES], limit: PHOTO_MAX_BYTES });
  r.post('/api/work-orders/:id/photos', (req, res, next) => raw(req, res, (err?: unknown) => (err ? next(err) : next())));
  api.route(
    r,
    { method: 'post', path: '/api/work-orders/:id/photos', tag: 'workorders', summary: 'Add a photo taken on site (raw JPEG, PNG or WebP body, at most 10 MB; ?filename=)', auth: 'agent', params: workOrderParams, query: z.strictObject({ filename: z.string().max(200).optional() }), contentType: 'image/jpeg', status: 201 },
    async ({ params, query, principal, req }) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
      if (!(PHOTO_TYPES as readonly string[]).includes(type) || !Buffer.isBuffer(req.body) || !req.body.length) throw new AppError(415, 'unsupported_media_type', `Send the photo as ${PHOTO_TYPES.join(', ')}`);
      return d.reports.addPhoto(params.id, req.body, type, query.filename ?? `photo.${type.split('/')[1]}`, principal);
    },
  );
  return r;
}
