import type { Core } from '../../core/core';
import type { AppModule } from '../../modules/app-module';
import type { ConfigAuditLog } from '../../modules/audit/config-audit';
import type { AuthService } from '../../modules/auth/auth.service';
import { settingModel } from '../../modules/settings/setting.model';
import { SettingsStore } from '../../modules/settings/settings.store';
import type { TeamService } from '../../modules/teams/team.service';
import { callModel } from './call.model';
import { CallService, type CallServiceDeps, type VoiceSettingsSource } from './call.service';
import { pbxRoutes } from './pbx.routes';
import { TWILIO_BASE_PATH, twilioRoutes } from './twilio.routes';
import { HotlineTwiml } from './twilio.twiml';
import { voiceSettingsRoutes } from './voice-settings.routes';
import { VoiceSettingsService } from './voice-settings.service';
import { DEFAULT_VOICE_SETTINGS, PromptBook, type TeamNames, type VoiceSettings } from './voice.settings';

export type VoiceModuleDeps = Pick<CallServiceDeps, 'tickets' | 'timeline' | 'updates' | 'inbound' | 'callbacks'> & {
  auth: Pick<AuthService, 'authenticate'>;
  teams: Pick<TeamService, 'exists' | 'list'>;
  audit: Pick<ConfigAuditLog, 'record'>;
};

/**
 * The hotline: Twilio Voice webhooks and the generic PBX API, over one call pipeline; its settings
 * (IVR digits and the rest, `GET/PUT /api/settings/voice`) are stored and changed from the console.
 * `settings` replaces the stored ones (a test of the pipeline with fixed settings).
 */
export function voiceModule(core: Core, d: VoiceModuleDeps, fixed?: VoiceSettings): AppModule & { calls: CallService; settings: VoiceSettingsService } {
  const prompts = new PromptBook();
  const { Agent } = core.models;
  const store = new SettingsStore<VoiceSettings>(settingModel(core.conn, core.clock), 'voice', DEFAULT_VOICE_SETTINGS, core.redis, core.config.queuePrefix, core.clock);
  const settings = new VoiceSettingsService(store, d.teams, d.audit);
  const source: VoiceSettingsSource = fixed ? { get: async () => fixed } : settings;
  const calls = new CallService(
    { ...d, Call: callModel(core.conn, core.clock), Agent, clock: core.clock, log: core.log.child({ component: 'voice' }) },
    source,
    prompts,
  );
  const teamNames = async (): Promise<TeamNames> => new Map((await d.teams.list()).map((t) => [t.key, { en: t.name, zh: t.nameZh ?? '' }]));
  const twiml = new HotlineTwiml(prompts, core.config.publicUrl + TWILIO_BASE_PATH);
  return {
    name: 'voice',
    calls,
    settings,
    // form-encoded bodies: mounted after the body parsers, like every normal route
    routes: (api) => [
      twilioRoutes(api, { authToken: core.config.twilioAuthToken, publicUrl: core.config.publicUrl, Agent, calls, settings: source, teamNames, twiml }),
      pbxRoutes(api, { auth: d.auth, pbxApiToken: core.config.pbxApiToken, Agent, tickets: d.tickets, calls }),
      voiceSettingsRoutes(api, settings),
    ],
  };
}
