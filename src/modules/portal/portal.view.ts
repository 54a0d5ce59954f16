import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import Handlebars from 'handlebars';
import type { Locale } from '../../core/types';
import type { Templates } from '../../mail/templates';

const STRINGS_FILE = path.resolve(__dirname, '..', '..', '..', 'templates', 'pages', 'portal.locales.json');

export type Strings = Record<string, any>;

let cached: Record<Locale, Strings> | null = null;
/** The page strings of the status page and the portal (templates/pages/portal.locales.json). */
export function pageStrings(): Record<Locale, Strings> {
  cached ??= JSON.parse(fs.readFileSync(STRINGS_FILE, 'utf8')) as Record<Locale, Strings>;
  return cached;
}

/** `{{name}}` placeholders of a page string, HTML-escaped by the page template that shows the result. */
export function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
}

const isLocale = (v: unknown): v is Locale => v === 'en' || v === 'zh-CN';

/** The page's language: `?lang=` (the switch), else the customer's, else the browser's. */
export function pageLocale(req: Request, customerLocale?: string | null): Locale {
  const asked = req.query?.lang;
  if (isLocale(asked)) return asked;
  if (isLocale(customerLocale)) return customerLocale;
  return /^zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh-CN' : 'en';
}

/** The same page in the other language (the switch keeps the rest of the query). */
export function switchUrl(req: Request, to: Locale): string {
  const u = new URL(req.originalUrl, 'http://x');
  u.searchParams.set('lang', to);
  return `${u.pathname}${u.search}`;
}

export interface PageOptions {
  status?: number;
  locale: Locale;
  /** the page template under templates/pages/ */
  page: string;
  title: string;
  data: Record<string, unknown>;
  session?: { csrf: string } | null;
  home?: string;
}

/** Renders a page in the portal layout, with the headers every customer page carries. */
export function sendPage(req: Request, res: Response, templates: Templates, o: PageOptions): void {
  const t = pageStrings()[o.locale];
  const content = templates.renderPage(o.page, { ...o.data, t, locale: o.locale, csrf: o.session?.csrf ?? '' });
  const html = templates.renderPage('portal-layout', {
    t,
    title: o.title,
    content,
    home: o.home ?? '/portal',
    switchUrl: switchUrl(req, t.otherLang as Locale),
    signedIn: !!o.session,
    csrf: o.session?.csrf ?? '',
  });
  res
    .status(o.status ?? 200)
    .set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer' })
    .type('html')
    .send(html);
}

/** A page with one message (a refusal, a confirmation). */
export function sendMessage(req: Request, res: Response, templates: Templates, o: { status: number; locale: Locale; title: string; text: string; session?: { csrf: string } | null; link?: { href: string; label: string } }): void {
  sendPage(req, res, templates, { status: o.status, locale: o.locale, page: 'portal-message', title: o.title, data: { title: o.title, text: o.text, link: o.link ?? null }, session: o.session });
}

/** A given name for the customer to read ("Zhou Qiang" → "Zhou", "周强" stays): no surname, phone or address. */
export function firstName(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  if (!n) return '';
  return n.split(/\s+/)[0];
}

export const escape = (s: string) => Handlebars.escapeExpression(s);
