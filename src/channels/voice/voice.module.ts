import type { Core } from '../../container';
import type { AppModule } from '../../modules/app-module';
import type { CallbackService } from '../../modules/callbacks/callback.service';
import { CallService } from './call.service';
import { pbxRoutes } from './pbx.routes';
import { TWILIO_BASE_PATH, twilioRoutes } from './twilio.routes';
import { HotlineTwiml } from './twilio.twiml';
import { DEFAULT_VOICE_SETTINGS, PromptBook, VoiceSettings } from './voice.settings';

/** The hotline: Twilio Voice webhooks and the generic PBX API, over one call pipeline. */
export function voiceModule(core: Core, callbacks: CallbackService, settings: VoiceSettings = DEFAULT_VOICE_SETTINGS): AppModule & { calls: CallService } {
  const prompts = new PromptBook();
  const calls = new CallService(core, callbacks, settings, prompts);
  const twiml = new HotlineTwiml(prompts, core.config.publicUrl + TWILIO_BASE_PATH);
  return {
    name: 'voice',
    calls,
    // form-encoded bodies: mounted after the body parsers, like every normal route
    routes: (api) => [twilioRoutes(api, core, calls, settings, twiml), pbxRoutes(api, core, calls)],
  };
}
