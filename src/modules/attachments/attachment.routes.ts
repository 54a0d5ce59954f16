import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import type { TicketService } from '../tickets/ticket.service';
import { ticketNumberParams } from '../tickets/ticket.schemas';
import { serializeUpload, type AttachmentService } from './attachment.service';

export const uploadQuery = z.strictObject({ filename: z.string().min(1).max(255).optional() });
export const uploadView = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number() });
/** The request body of an upload: the file's bytes, with its type as Content-Type. */
export const fileBody = z.any().describe('the file itself (raw bytes); Content-Type is its media type, e.g. image/jpeg');

/** Content-Length as a number, when the client sent one. */
export function declaredLength(header: string | undefined): number | undefined {
  const n = Number(header);
  return header && Number.isFinite(n) ? n : undefined;
}

/**
 * `POST /api/tickets/:number/attachments`: an agent uploads a file to a ticket they may see; a
 * reply or note then carries it (`attachments: [id]`). Raw bytes (mounted before the body parsers).
 */
export function attachmentUploadRoutes(api: ApiRegistry, d: { attachments: AttachmentService; tickets: Pick<TicketService, 'visible'> }): Router {
  const r = Router();
  api.route(
    r,
    {
      method: 'post',
      path: '/api/tickets/:number/attachments',
      tag: 'tickets',
      summary: 'Upload a file (raw body, its media type as Content-Type, `?filename=`) for a reply or note of this ticket; 413 above ATTACHMENT_MAX_BYTES, 415 for a type not accepted or content that is not of its type',
      auth: 'agent',
      params: ticketNumberParams,
      query: uploadQuery,
      body: fileBody,
      contentType: 'application/octet-stream',
      status: 201,
      response: uploadView,
    },
    async ({ params, query, principal, req }) => {
      const ticket = await d.tickets.visible(params.number, principal);
      const u = await d.attachments.upload({
        source: req,
        filename: query.filename,
        contentType: req.get('content-type'),
        declaredLength: declaredLength(req.get('content-length')),
        owner: `agent:${principal.id}`,
        ticketNumber: ticket.number,
        policy: 'agent',
      });
      return serializeUpload(u);
    },
  );
  return r;
}
