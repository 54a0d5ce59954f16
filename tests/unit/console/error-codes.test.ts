import fs from 'node:fs';
import path from 'node:path';
import { catalog } from '../../../console/i18n/catalog';
import { WIDGET_WORDS } from '../../../widget/i18n';

const ROOT = path.resolve(__dirname, '../../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/**
 * The codes the server answers in `{error:{code}}`: those of the AppError subclasses in
 * src/errors.ts and every `new ConflictError(…, 'code')`, `new AppError(status, 'code', …)` in src.
 */
function serverCodes(): string[] {
  const codes = new Set<string>(['internal']);
  for (const file of sources(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/super\(\s*\d{3}\s*,\s*'([a-z_]+)'/g)) codes.add(m[1]);
    for (const m of text.matchAll(/new AppError\(\s*\d{3}\s*,\s*'([a-z_]+)'/g)) codes.add(m[1]);
    // ConflictError(message, 'code'): the message is a '…' or `…` literal, the code the literal after it
    for (const m of text.matchAll(/new ConflictError\(\s*(?:'(?:[^'\\]|\\.)*'|`[^`]*`)\s*,\s*'([a-z_]+)'/g)) codes.add(m[1]);
  }
  return [...codes].sort();
}

/** The codes of field problems (`details[].code`) the services write; zod's own codes come with the console too. */
function detailCodes(): string[] {
  const codes = new Set<string>();
  for (const file of sources(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/path: [^,]+, message: [^}]*?, code: '([a-z_]+)'/g)) codes.add(m[1]);
  }
  for (const m of fs.readFileSync(path.join(ROOT, 'src/modules/calendars/business-time.ts'), 'utf8').matchAll(/code: '([a-z_]+)'/g)) codes.add(m[1]);
  return [...codes].sort();
}

describe('every server error code has words for every reader', () => {
  const codes = serverCodes();
  const merged = (files: Record<string, string>[]) => Object.assign({}, ...files) as Record<string, string>;

  it('finds the codes (the scan itself works)', () => {
    expect(codes).toEqual(expect.arrayContaining(['validation_failed', 'not_found', 'forbidden', 'stale_view', 'payload_too_large', 'unsupported_media_type', 'link_expired']));
  });

  it.each(['en', 'zh-CN'] as const)('the console has error.<code> for each in %s', (locale) => {
    const dict = merged(catalog[locale]);
    expect(codes.filter((c) => !dict[`error.${c}`])).toEqual([]);
  });

  it.each(['en', 'zh-CN'] as const)('the console has validation.<code> for each field problem in %s', (locale) => {
    const dict = merged(catalog[locale]);
    expect(detailCodes().filter((c) => !dict[`validation.${c}`])).toEqual([]);
  });

  it.each(['en', 'zh-CN'] as const)('the chat widget has words for each in %s', (locale) => {
    expect(codes.filter((c) => !WIDGET_WORDS[locale].errors[c])).toEqual([]);
  });

  it.each(['en', 'zh-CN'] as const)('pages and mails (templates/errors.locales.json) have words for each in %s', (locale) => {
    const pages = JSON.parse(fs.readFileSync(path.join(ROOT, 'templates/errors.locales.json'), 'utf8'))[locale].codes as Record<string, string>;
    expect(codes.filter((c) => !pages[c])).toEqual([]);
  });
});
