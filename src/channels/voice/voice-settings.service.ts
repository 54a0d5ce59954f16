import { z } from 'zod';
import { type Actor, LOCALES } from '../../core/types';
import { ValidationError } from '../../errors';
import type { ConfigAuditLog } from '../../modules/audit/config-audit';
import { normalizePhone } from '../../modules/customers/customer.service';
import type { SettingsStore } from '../../modules/settings/settings.store';
import type { VoiceSettings } from './voice.settings';

export const voiceSettingsBody = z.strictObject({
  /** IVR digit (0–9) → team key */
  menu: z.record(z.string().regex(/^[0-9]$/, 'a digit 0–9'), z.string().min(1).max(32)).refine((m) => Object.keys(m).length <= 10, 'at most ten digits'),
  defaultTeam: z.string().min(1).max(32),
  ringTimeoutSec: z.number().int().min(5).max(120),
  voicemailMaxSec: z.number().int().min(10).max(600),
  hotlines: z.record(z.string().max(32), z.strictObject({ locale: z.enum(LOCALES) })).optional(),
  defaultLocale: z.enum(LOCALES).optional(),
});
export type VoiceSettingsInput = z.output<typeof voiceSettingsBody>;

/**
 * The hotline's settings (IVR digits, the team a caller without a digit reaches, ring and voicemail
 * lengths, the language of each hotline number), changed in the console and audited. The call
 * pipeline and the Twilio routes read them on every call through the store's cache.
 */
export class VoiceSettingsService {
  constructor(
    private readonly store: SettingsStore<VoiceSettings>,
    private readonly teams: { exists(key: string): Promise<boolean> },
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
  ) {}

  get(): Promise<VoiceSettings> {
    return this.store.get();
  }

  async update(input: VoiceSettingsInput, actor: Actor): Promise<VoiceSettings> {
    const problems: { path: string; message: string; code: string }[] = [];
    for (const [digit, team] of Object.entries(input.menu)) if (!(await this.teams.exists(team))) problems.push({ path: `menu.${digit}`, message: `unknown team ${team}`, code: 'unknown_team' });
    if (!(await this.teams.exists(input.defaultTeam))) problems.push({ path: 'defaultTeam', message: `unknown team ${input.defaultTeam}`, code: 'unknown_team' });
    const hotlines: VoiceSettings['hotlines'] = {};
    for (const [number, v] of Object.entries(input.hotlines ?? {})) {
      const n = normalizePhone(number);
      if (n.replace('+', '').length < 3) problems.push({ path: `hotlines.${number}`, message: 'not a phone number', code: 'invalid_phone' });
      else hotlines[n] = v;
    }
    if (problems.length) throw new ValidationError('Invalid hotline settings', problems);
    const before = await this.store.get();
    const next: VoiceSettings = { ...before, menu: input.menu, defaultTeam: input.defaultTeam, ringTimeoutSec: input.ringTimeoutSec, voicemailMaxSec: input.voicemailMaxSec, ...(input.hotlines ? { hotlines } : {}), ...(input.defaultLocale ? { defaultLocale: input.defaultLocale } : {}) };
    const after = await this.store.set(next);
    await this.audit.record(actor, { entity: 'voice', key: 'hotline', action: 'updated', before, after });
    return after;
  }
}
