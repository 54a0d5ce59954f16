import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { Locale } from '../../core/types';
import type { Templates } from '../../mail/templates';
import type { CustomerDoc } from '../customers/customer.model';
import type { PortalSession, PortalSessions } from './portal.session';
import { pageLocale, pageStrings, sendMessage, sendPage, Strings } from './portal.view';

/** What a page needs of whoever looks at it (a session, or none for sign-in and booking-link pages). */
export interface Viewer {
  locale: Locale;
  session: PortalSession | null;
  t: Strings;
}

export interface Signed {
  session: PortalSession;
  customer: CustomerDoc;
  locale: Locale;
  t: Strings;
}

/**
 * What every portal page shares: the session of the request (or the sign-in page), the CSRF check
 * of form posts, the language, and rendering in the portal layout.
 */
export class PortalPages {
  constructor(
    private readonly sessions: PortalSessions,
    private readonly templates: Templates,
    private readonly customerOf: (id: string) => Promise<CustomerDoc | null>,
  ) {}

  /** The signed-in customer, or null after answering with the sign-in page (401). */
  async signed(req: Request, res: Response): Promise<Signed | null> {
    const session = await this.sessions.of(req);
    const customer = session ? await this.customerOf(session.customerId) : null;
    if (!session || !customer) {
      this.signIn(req, res, 401);
      return null;
    }
    const locale = pageLocale(req, customer.locale);
    return { session, customer, locale, t: pageStrings()[locale] };
  }

  /** Like `signed`, for a form post: also checks the CSRF token of the session (403 otherwise). */
  async posted(req: Request, res: Response): Promise<Signed | null> {
    const s = await this.signed(req, res);
    if (!s) return null;
    const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
    if (!this.sessions.checkCsrf(s.session, given)) {
      this.message(req, res, s, 403, s.t.csrf, s.t.csrf);
      return null;
    }
    return s;
  }

  signIn(req: Request, res: Response, status = 200, extra: { error?: string; email?: string } = {}): void {
    const locale = pageLocale(req);
    const t = pageStrings()[locale];
    sendPage(req, res, this.templates, { status, locale, page: 'portal-signin', title: t.signInTitle, data: { error: extra.error ?? null, email: extra.email ?? '', next: safeNext(req.originalUrl) } });
  }

  page(req: Request, res: Response, s: Pick<Viewer, 'locale' | 'session'>, page: string, title: string, data: Record<string, unknown>, status = 200): void {
    sendPage(req, res, this.templates, { status, locale: s.locale, page, title, data, session: s.session });
  }

  message(req: Request, res: Response, s: Viewer, status: number, title: string, text: string): void {
    sendMessage(req, res, this.templates, { status, locale: s.locale, title, text, session: s.session, link: { href: `/portal?lang=${s.locale}`, label: s.t.back } });
  }

  notFound(req: Request, res: Response, s: Viewer): void {
    this.message(req, res, s, 404, s.t.notFound, s.t.notFoundText);
  }
}

/** A post-sign-in target inside the portal only (no open redirect). */
export function safeNext(url: string | undefined): string {
  if (!url || !url.startsWith('/portal') || url.startsWith('//') || url.startsWith('/portal/auth') || url.length > 500) return '/portal';
  return url;
}

/** A field of a form post as text (trimmed), or '' when absent or not text. */
export function field(req: Request, name: string, max = 10_000): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
}

/** A form's idempotency key: the hidden `clientId` of the page (a double submit stores once), else a fresh one. */
export function clientIdOf(req: Request): string {
  const v = field(req, 'clientId', 64);
  return /^[A-Za-z0-9_-]{8,64}$/.test(v) ? v : crypto.randomUUID();
}

export const newClientId = () => crypto.randomBytes(12).toString('base64url');
