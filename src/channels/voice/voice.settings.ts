import fs from 'node:fs';
import path from 'node:path';
import { normalizePhone } from '../../modules/customers/customer.service';
import type { Locale } from '../../core/types';

/** How the hotline behaves: the language of each hotline number, the IVR digits, how long a team rings. */
export interface VoiceSettings {
  /** hotline number (E.164) → the language callers hear; other numbers get `defaultLocale` */
  hotlines: Record<string, { locale: Locale }>;
  defaultLocale: Locale;
  /** IVR digit → team; no digit (or an unknown one) → `defaultTeam` */
  menu: Record<string, string>;
  defaultTeam: string;
  /** seconds a team rings before the caller is offered voicemail: the department's answer target */
  ringTimeoutSec: number;
  ringTimeoutByTeam?: Record<string, number>;
  /** longest voicemail, seconds */
  voicemailMaxSec: number;
}

export const DEFAULT_VOICE_SETTINGS: VoiceSettings = {
  hotlines: {
    '+864008208820': { locale: 'zh-CN' }, // the 400 service hotline
    '+8610400820882': { locale: 'zh-CN' },
    '+18005550199': { locale: 'en' }, // the international line
  },
  defaultLocale: 'en',
  menu: { '1': 'tech', '2': 'complaints', '3': 'returns' },
  defaultTeam: 'support',
  ringTimeoutSec: 30,
  voicemailMaxSec: 120,
};

export function hotlineLocale(s: VoiceSettings, to: string | null | undefined): Locale {
  if (!to) return s.defaultLocale;
  return s.hotlines[normalizePhone(to)]?.locale ?? s.defaultLocale;
}

export function teamForDigit(s: VoiceSettings, digit: string | null | undefined): string {
  return (digit && s.menu[digit.trim()]) || s.defaultTeam;
}

export function ringTimeout(s: VoiceSettings, team: string): number {
  return s.ringTimeoutByTeam?.[team] ?? s.ringTimeoutSec;
}

// ---- prompts --------------------------------------------------------------------------------

const ROOT = path.resolve(__dirname, '..', '..', '..', 'templates', 'voice');

/** team key → display names (the team settings), for teams the prompt files do not name */
export type TeamNames = Map<string, { en: string; zh: string }>;

export interface VoicePrompts {
  greeting: string;
  /** one menu entry, `{{team}}` and `{{digit}}`; the entries are joined with `menuJoin` and end with `menuRest` */
  menuItem: string;
  menuJoin: string;
  menuRest: string;
  connecting: string;
  noAgents: string;
  voicemail: string;
  goodbye: string;
  ticketSubject: string;
  anonymousCaller: string;
  teams: Record<string, string>;
}

/** The words callers hear, from templates/voice/<locale>.json (en and zh-CN), loaded once. */
export class PromptBook {
  private readonly byLocale = new Map<string, VoicePrompts>();

  constructor(private readonly root = ROOT) {}

  get(locale: Locale): VoicePrompts {
    let p = this.byLocale.get(locale);
    if (!p) {
      const file = path.join(this.root, `${locale}.json`);
      p = JSON.parse(fs.readFileSync(fs.existsSync(file) ? file : path.join(this.root, 'en.json'), 'utf8')) as VoicePrompts;
      this.byLocale.set(locale, p);
    }
    return p;
  }

  text(locale: Locale, key: Exclude<keyof VoicePrompts, 'teams'>, vars: Record<string, string> = {}): string {
    return this.get(locale)[key].replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => vars[k] ?? '');
  }

  /** What the caller hears as the menu: one entry per digit of the IVR settings, in digit order. */
  menu(locale: Locale, menu: Record<string, string>, names: TeamNames = new Map()): string {
    const items = Object.entries(menu)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([digit, team]) => this.text(locale, 'menuItem', { team: this.teamName(locale, team, names), digit }));
    return [items.join(this.get(locale).menuJoin), this.text(locale, 'menuRest')].filter(Boolean).join(this.get(locale).menuJoin);
  }

  teamName(locale: Locale, team: string, names: TeamNames = new Map()): string {
    const own = names.get(team);
    return this.get(locale).teams[team] ?? (own ? (locale === 'zh-CN' && own.zh ? own.zh : own.en) : team);
  }
}
