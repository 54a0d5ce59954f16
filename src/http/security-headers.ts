import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers on every answer (console, API, pages, static files), by helmet:
 * - a Content Security Policy: scripts, connections, images, fonts and forms only from this origin,
 *   no plugins, no framing by anyone (`frame-ancestors 'none'`, also `X-Frame-Options: DENY`).
 *   Inline `<style>` stays allowed (server-rendered pages and the widget's shadow root carry their
 *   CSS inline); inline scripts and `on…=` attributes do not run.
 * - `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (signed survey and status links
 *   must not leak to other sites), Cross-Origin-Opener/Resource-Policy same-origin;
 * - HSTS only when the public address is https (over http it would be ignored, or wrong behind a test proxy).
 * The chat widget script is embedded on other sites: its route answers `Cross-Origin-Resource-Policy:
 * cross-origin` itself (see `allowEmbedding`); the /chat socket is Socket.IO's own, outside Express.
 */
export function securityHeaders(publicUrl: string): RequestHandler {
  const https = publicUrl.startsWith('https://');
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'object-src': ["'none'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 3600, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
  });
}

/** For what other sites embed (the chat widget script): loadable cross-origin despite the default CORP. */
export const allowEmbedding: RequestHandler = (_req, res, next) => {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  next();
};
