import { catalog } from './catalog';

/** The console's languages and its translator, without the UI framework (the tests read them too). */
export type Locale = 'en' | 'zh-CN';
const merge = (files: Record<string, string>[]): Record<string, string> => Object.assign({}, ...files);
const en = merge(catalog.en);
const dictionaries: Record<Locale, Record<string, string>> = { en, 'zh-CN': merge(catalog['zh-CN']) };
export const LOCALES: { key: Locale; label: string }[] = [
  { key: 'en', label: 'English' },
  { key: 'zh-CN', label: '中文' },
];

export type T = (key: string, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): T {
  const dict = dictionaries[locale] ?? en;
  return (key, vars) => {
    const s = dict[key] ?? en[key] ?? key;
    return vars ? s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? '')) : s;
  };
}

/** "5 min", "2 h 10 min", "3 d" in the UI language. */
export function duration(sec: number, locale: Locale): string {
  const s = Math.max(0, Math.round(sec));
  const zh = locale === 'zh-CN';
  if (s < 60) return zh ? `${s} 秒` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return zh ? `${m} 分钟` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return zh ? `${h} 小时 ${m % 60} 分` : `${h} h ${m % 60} min`;
  return zh ? `${Math.floor(h / 24)} 天` : `${Math.floor(h / 24)} d`;
}

/** An amount in fen as yuan: 259900 → "¥2599.00". */
export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;
