import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { Principal } from '../auth/principal';
import type { ProductQualityService } from './product-quality.service';
import { type AppointmentRateReport, appointmentRateQuery, appointmentRateResponse } from './appointment-rate';
import { csvLocale, summaryCsv } from './report.csv';
import { productQualityQuery, productQualityResponse, summaryQuery, summaryResponse } from './report.schemas';
import type { ReportService } from './report.service';
import { ROLE_SETS } from '../../core/types';

/** Reports are for those who run teams: supervisors (their own teams), managers, directors, admins. */
const REPORT_ROLES = ROLE_SETS.leads;

/** The teams a report may cover: the one asked for (if the principal sees it), else all the principal sees. */
function scope(principal: Principal, team?: string): readonly string[] | undefined {
  if (team) {
    principal.assertTeam(team);
    return [team];
  }
  return principal.visibleTeams();
}

export function reportRoutes(api: ApiRegistry, reports: ReportService, quality: ProductQualityService, appointments: AppointmentRateReport, teamNames: () => Promise<Map<string, { name: string; nameZh: string }>>): Router {
  const r = Router();

  api.route(
    r,
    { method: 'get', path: '/api/reports/summary', tag: 'reports', summary: 'KPI summary by channel, team, agent or day; CSV with Accept: text/csv', auth: REPORT_ROLES, query: summaryQuery, response: summaryResponse, produces: ['text/csv'] },
    async ({ query, principal, req, res }) => {
      const report = await reports.summary(query, scope(principal, query.team));
      const wantsCsv = query.format ? query.format === 'csv' : req.accepts(['application/json', 'text/csv']) === 'text/csv';
      if (!wantsCsv) return report;
      const locale = csvLocale(query.locale, (...l) => req.acceptsLanguages(...l));
      const csv = summaryCsv(report, locale, await teamNames());
      const name = `summary-${query.groupBy.replace(':', '-')}-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv`;
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${name}"`)
        // the byte-order mark makes spreadsheet programs read the UTF-8 (Chinese names) correctly
        .setHeader('Content-Language', locale)
        .send(`\uFEFF${csv}`);
      return undefined;
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/reports/product-quality', tag: 'reports', summary: 'Monthly product-quality feedback for R&D: fault, warranty and return tickets by product model', auth: REPORT_ROLES, query: productQualityQuery, response: productQualityResponse },
    async ({ query, principal }) => quality.monthly(query.month, scope(principal, query.team), query.limit),
  );

  api.route(
    r,
    { method: 'get', path: '/api/reports/appointments', tag: 'reports', summary: 'The appointment rate (预约率) by product model and month: units booked within 30 days of a maintenance reminder over reminders sent', auth: REPORT_ROLES, query: appointmentRateQuery, response: appointmentRateResponse },
    async ({ query }) => appointments.byModelAndMonth(query),
  );

  return r;
}
