import type { Core } from '../../core/core';
import type { AppModule } from '../../modules/app-module';
import type { AuthService } from '../../modules/auth/auth.service';
import { callModel } from './call.model';
import { CallService, type CallServiceDeps } from './call.service';
import { pbxRoutes } from './pbx.routes';
import { TWILIO_BASE_PATH, twilioRoutes } from './twilio.routes';
import { HotlineTwiml } from './twilio.twiml';
import { DEFAULT_VOICE_SETTINGS, PromptBook, VoiceSettings } from './voice.settings';

export type VoiceModuleDeps = Pick<CallServiceDeps, 'tickets' | 'timeline' | 'updates' | 'inbound' | 'teams' | 'callbacks'> & { auth: Pick<AuthService, 'authenticate'> };

/** The hotline: Twilio Voice webhooks and the generic PBX API, over one call pipeline. */
export function voiceModule(core: Core, d: VoiceModuleDeps, settings: VoiceSettings = DEFAULT_VOICE_SETTINGS): AppModule & { calls: CallService } {
  const prompts = new PromptBook();
  const { Agent } = core.models;
  const calls = new CallService(
    { ...d, Call: callModel(core.conn, core.clock), Agent, clock: core.clock, log: core.log.child({ component: 'voice' }) },
    settings,
    prompts,
  );
  const twiml = new HotlineTwiml(prompts, core.config.publicUrl + TWILIO_BASE_PATH);
  return {
    name: 'voice',
    calls,
    // form-encoded bodies: mounted after the body parsers, like every normal route
    routes: (api) => [
      twilioRoutes(api, { authToken: core.config.twilioAuthToken, publicUrl: core.config.publicUrl, Agent, calls, settings, twiml }),
      pbxRoutes(api, { auth: d.auth, pbxApiToken: core.config.pbxApiToken, Agent, tickets: d.tickets, calls }),
    ],
  };
}
