import path from 'node:path';
import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { DashboardService } from './dashboard.service';
import { ROLE_SETS } from '../../core/types';

const CONSOLE_HTML = path.resolve(__dirname, '..', '..', '..', 'public', 'console.html');

export function dashboardRoutes(api: ApiRegistry, dashboard: DashboardService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/dashboard', tag: 'dashboard', summary: 'Per team waiting, open, at-risk and breached counts and the longest wait; per agent presence and load', auth: ROLE_SETS.leads }, async ({ principal }) =>
    dashboard.snapshot(principal),
  );
  // The console is one page; the client routes inside it (#/ticket/12, #/dashboard).
  r.get(['/console', '/console/'], (_req, res) => {
    res.set('Cache-Control', 'no-cache').sendFile(CONSOLE_HTML);
  });
  return r;
}
