import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../core/types';

const ROOT = path.resolve(__dirname, '..', '..', 'templates');

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * Mail and page templates on an isolated Handlebars instance, partials registered at boot.
 * A mail template is three files in templates/mail/<locale>/: NAME.subject.hbs, NAME.text.hbs
 * and optionally NAME.html.hbs (else the text is wrapped in the `layout` partial).
 */
export class Templates {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, HandlebarsTemplateDelegate | null>();
  /** the HTML of a mail without its own: the text in the layout partial (compiled once, not per mail) */
  private layout: HandlebarsTemplateDelegate | null = null;

  constructor(private readonly root = ROOT) {
    const partials = path.join(root, 'mail', 'partials');
    if (fs.existsSync(partials)) {
      for (const f of fs.readdirSync(partials)) {
        if (f.endsWith('.hbs')) this.hb.registerPartial(f.replace(/\.hbs$/, ''), fs.readFileSync(path.join(partials, f), 'utf8'));
      }
    }
    this.hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    this.hb.registerHelper('errorText', (code: string, locale: string) => this.errorText(code, locale === 'zh-CN' ? 'zh-CN' : 'en').text);
    this.hb.registerHelper('date', (d: unknown, locale: string) => (d ? new Date(d as string).toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC' }) + ' UTC' : ''));
  }

  private compiled(file: string, opts?: { noEscape: boolean }): HandlebarsTemplateDelegate | null {
    if (!this.cache.has(file)) {
      const full = path.join(this.root, file);
      this.cache.set(file, fs.existsSync(full) ? this.hb.compile(fs.readFileSync(full, 'utf8'), opts) : null);
    }
    return this.cache.get(file)!;
  }

  has(name: string, locale: Locale = 'en'): boolean {
    return !!this.compiled(`mail/${locale}/${name}.text.hbs`);
  }

  renderMail(name: string, locale: Locale, data: Record<string, unknown>): RenderedMail {
    const loc = this.has(name, locale) ? locale : 'en';
    const subject = this.compiled(`mail/${loc}/${name}.subject.hbs`);
    const text = this.compiled(`mail/${loc}/${name}.text.hbs`);
    if (!subject || !text) throw new Error(`mail template ${name} (${loc}) is missing`);
    const ctx = { ...data, locale: loc };
    const textOut = text(ctx).trim() + '\n';
    const html = this.compiled(`mail/${loc}/${name}.html.hbs`);
    const htmlOut = html ? html(ctx) : (this.layout ??= this.hb.compile('{{> layout}}'))({ ...ctx, bodyText: textOut });
    return { subject: subject(ctx).replace(/\s+/g, ' ').trim(), text: textOut, html: htmlOut };
  }

  private errors: Record<string, { title: string; back: string; unknown: string; codes: Record<string, string> }> | null = null;

  /**
   * An error code in words for people (pages a customer opens, mails): templates/errors.locales.json,
   * the same codes the console and the widget translate. Also the `errorText code locale` helper.
   */
  errorText(code: string, locale: Locale): { title: string; text: string; back: string } {
    this.errors ??= JSON.parse(fs.readFileSync(path.join(this.root, 'errors.locales.json'), 'utf8'));
    const w = this.errors![locale] ?? this.errors!.en;
    return { title: w.title, text: w.codes[code] ?? w.unknown, back: w.back };
  }

  /** An SMS text (templates/sms/<locale>/NAME.hbs), one line; the customer's language, else English. */
  renderSms(name: string, locale: Locale, data: Record<string, unknown>): string {
    // plain text: nothing is HTML-escaped
    const t = this.compiled(`sms/${locale}/${name}.hbs`, { noEscape: true }) ?? this.compiled(`sms/en/${name}.hbs`, { noEscape: true });
    if (!t) throw new Error(`sms template ${name} is missing`);
    return t(data).replace(/\s+/g, ' ').trim();
  }

  /** A page template (templates/pages/NAME.hbs), e.g. the survey form. */
  renderPage(name: string, data: Record<string, unknown>): string {
    const t = this.compiled(`pages/${name}.hbs`);
    if (!t) throw new Error(`page template ${name} is missing`);
    return t(data);
  }
}
