import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { NextFunction, Request, Response, Router } from 'express';
import { UnauthorizedError } from '../errors';
import type { Metrics } from '../infra/metrics';
import { sameSecret } from '../infra/secrets';
import type { Logger } from '../logger';
import { errorHandler, notFoundHandler } from './error-middleware';

/**
 * Times every HTTP request by its route pattern (`/api/tickets/:number`, never the raw path, so
 * the number of series stays bounded), method and status. Requests no route handled (static
 * files, 404s) are `route="unmatched"`.
 */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routePattern(req), status: String(res.statusCode) }));
    next();
  };
}

function routePattern(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}

/**
 * GET /metrics in Prometheus' text format, for `Authorization: Bearer $METRICS_TOKEN`. Without a
 * token configured the endpoint does not exist (404); a wrong or missing token answers 401.
 */
export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const r = Router();
  if (!token) return r; // metrics off: GET /metrics is an unknown route like any other
  r.get('/metrics', async (req, res, next) => {
    try {
      const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (!given || !sameSecret(given, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new UnauthorizedError('A valid metrics token is required');
      }
      res.type(metrics.contentType).send(await metrics.text());
    } catch (err) {
      next(err);
    }
  });
  return r;
}

/**
 * The worker process's metrics: a small HTTP server of its own on METRICS_PORT (each worker
 * process is its own Prometheus target; nothing is aggregated through Redis). Not started when
 * METRICS_TOKEN is unset.
 */
export async function startMetricsServer(metrics: Metrics, opts: { host: string; port: number; token: string; log: Logger }): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(metricsRoutes(metrics, opts.token));
  app.use(notFoundHandler());
  app.use(errorHandler(opts.log));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
