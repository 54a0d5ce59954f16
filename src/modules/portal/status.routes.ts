import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { Logger } from '../../logger';
import type { Templates } from '../../mail/templates';
import type { Locale } from '../../core/types';
import { pageLocale, pageStrings, sendMessage, sendPage } from './portal.view';
import { langQuery, statusReportParams, statusTokenParams } from './portal.schemas';
import type { StatusService } from './status.service';

export interface StatusRouteDeps {
  status: StatusService;
  /** the latest service report of a work order as PDF (workorders' ServiceReportService.customerPdf) */
  reportPdf: (workOrderId: string) => Promise<{ pdf: Buffer; filename: string } | null>;
  /** the customer's language of a ticket */
  localeOf: (customerId: string) => Promise<Locale | null>;
  templates: Templates;
  log: Logger;
}

/** `GET /status/:token`: the signed, read-only page of one ticket (server-rendered, no JS, no login). */
export function statusRoutes(api: ApiRegistry, d: StatusRouteDeps): Router {
  const r = Router();

  api.route(
    r,
    { method: 'get', path: '/status/:token', tag: 'portal', summary: "A ticket's status page behind a signed link (HTML): status, visits, quotes, report; 404 forged, 410 expired", auth: 'public', params: statusTokenParams, query: langQuery, produces: ['text/html'], pageStatus: [404, 410] },
    async ({ params, req, res }) => {
      const check = await d.status.check(params.token);
      if (!check.ok) {
        const locale = pageLocale(req);
        const t = pageStrings()[locale];
        const expired = check.reason === 'expired';
        return sendMessage(req, res, d.templates, { status: expired ? 410 : 404, locale, title: expired ? t.expiredTitle : t.invalidTitle, text: expired ? t.expiredText : t.invalidText });
      }
      const ticket = check.ticket;
      const locale = pageLocale(req, await d.localeOf(String(ticket.customerId)));
      const token = encodeURIComponent(params.token);
      const visits = (await d.status.visits(ticket, locale)).map((v) => ({ ...v, reportUrl: v.hasReport ? `/status/${token}/work-orders/${v.id}/report.pdf` : null }));
      const t = pageStrings()[locale];
      const quotes = (await d.status.quotes(ticket)).map((q) => quoteLine(q, t));
      sendPage(req, res, d.templates, { locale, page: 'status', title: `${t.statusTitle} #${ticket.number}`, data: { ticket: d.status.ticketView(ticket, locale), visits, quotes }, home: '/portal' });
    },
  );

  api.route(
    r,
    { method: 'get', path: '/status/:token/work-orders/:id/report.pdf', tag: 'portal', summary: "The service report PDF of one of the status link's work orders", auth: 'public', params: statusReportParams, produces: ['application/pdf'], errors: [410] },
    async ({ params, req, res }) => {
      const check = await d.status.check(params.token);
      const locale = pageLocale(req);
      const t = pageStrings()[locale];
      if (!check.ok) return sendMessage(req, res, d.templates, { status: check.reason === 'expired' ? 410 : 404, locale, title: t.invalidTitle, text: t.invalidText });
      const wo = await d.status.workOrderOf(check.ticket, params.id);
      const file = wo ? await d.reportPdf(String(wo._id)) : null;
      if (!file) return sendMessage(req, res, d.templates, { status: 404, locale, title: t.notFound, text: t.notFoundText });
      res
        .status(200)
        .set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${file.filename}"`, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
        .send(file.pdf);
    },
  );

  return r;
}

/** One quote as the customer reads it: number, amount in yuan, status in their language, the link while it can be answered. */
export function quoteLine(q: { number: string; total: number; currency: string; status: string; url?: string }, t: { quoteStatus?: Record<string, string> }): { label: string; url: string | null } {
  return { label: `${q.number} – ¥${(q.total / 100).toFixed(2)} – ${t.quoteStatus?.[q.status] ?? q.status}`, url: q.url ?? null };
}
