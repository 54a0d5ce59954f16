import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../../core/types';
import { toCsv } from './report.figures';
import { SUMMARY_COLUMNS, type SummaryReport } from './report.schemas';
import { csvRow, TOTAL } from './report.service';

interface CsvWords {
  columns: Record<(typeof SUMMARY_COLUMNS)[number], string>;
  channels: Record<string, string>;
  total: string;
  unassigned: string;
}

const FILE = path.resolve(__dirname, '..', '..', '..', 'templates', 'reports', 'csv.locales.json');
let words: Record<Locale, CsvWords> | null = null;
/** The CSV's headers and labels in en and zh-CN (templates/reports/csv.locales.json), read once. */
export function csvWords(locale: Locale): CsvWords {
  words ??= JSON.parse(fs.readFileSync(FILE, 'utf8')) as Record<Locale, CsvWords>;
  return words[locale] ?? words.en;
}

/** The language a download asks for: `locale=` first, else the Accept-Language header. */
export function csvLocale(explicit: Locale | undefined, acceptsLanguages: (...langs: string[]) => string | false): Locale {
  if (explicit) return explicit;
  const best = acceptsLanguages('en', 'zh-CN', 'zh');
  return typeof best === 'string' && best.startsWith('zh') ? 'zh-CN' : 'en';
}

/**
 * The summary as CSV in the reader's language: translated headers, channel and team names in that
 * language, "total" and "unassigned" translated; the figures as they are (seconds, ratios 0–1).
 */
export function summaryCsv(report: SummaryReport, locale: Locale, teamNames: Map<string, { name: string; nameZh: string }>): string {
  const w = csvWords(locale);
  const label = (key: string, given: string): string => {
    if (key === TOTAL) return w.total;
    if (key === 'unassigned') return w.unassigned;
    if (report.groupBy === 'channel') return w.channels[key] ?? given;
    if (report.groupBy === 'team') {
      const t = teamNames.get(key);
      return t ? (locale === 'zh-CN' && t.nameZh ? t.nameZh : t.name) : given;
    }
    return given;
  };
  const rows = [...report.groups, report.totals].map((r) => ({ ...csvRow(r), label: label(r.key, r.label) }));
  const header = SUMMARY_COLUMNS.map((c) => w.columns[c] ?? c);
  const body = toCsv(SUMMARY_COLUMNS, rows).split('\r\n').slice(1).join('\r\n');
  return `${toCsv(header, [])}${body}`;
}
