import path from 'node:path';
import express, { Express } from 'express';
import { errorHandler, notFoundHandler } from '../http/error-middleware';
import { httpMetrics, metricsRoutes } from '../http/metrics';
import { securityHeaders } from '../http/security-headers';
import { healthRoutes } from '../modules/health/health.routes';
import type { Container } from './container';

const PUBLIC_DIR = path.resolve(__dirname, '..', '..', 'public');

/** The Express app without listening, so tests start it on port 0. */
export function createApp(c: Container): Express {
  const app = express();
  app.disable('x-powered-by');
  // who the client is: the socket's peer unless TRUST_PROXY names the proxies (src/http/client-ip.ts)
  app.set('trust proxy', c.clientIp.trust);
  app.use(httpMetrics(c.metrics));
  app.use(securityHeaders(c.config.publicUrl));
  app.use(healthRoutes(c.conn, c.redis));
  app.use(metricsRoutes(c.metrics, c.config.metricsToken));
  for (const m of c.modules) for (const r of m.rawRoutes?.(c.api) ?? []) app.use(r);
  app.use(express.json({ limit: '256kb' }));
  app.use(express.urlencoded({ extended: false, limit: '256kb' }));
  for (const m of c.modules) for (const r of m.routes?.(c.api) ?? []) app.use(r);
  app.get('/api/openapi.json', (_req, res) => {
    res.json(c.api.openApi({ title: 'Aftercare API', version: '1.0.0' }));
  });
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: '1h' }));
  app.use(notFoundHandler());
  app.use(
    errorHandler(c.log.child({ component: 'http' }), (code, status, locale) => {
      const words = c.templates.errorText(code, locale);
      return c.templates.renderPage('error', { ...words, status, locale });
    }),
  );
  return app;
}
