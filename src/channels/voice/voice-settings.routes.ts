import { Router } from 'express';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import { voiceSettingsBody, type VoiceSettingsService } from './voice-settings.service';

export function voiceSettingsRoutes(api: ApiRegistry, settings: VoiceSettingsService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/settings/voice', tag: 'voice', summary: 'The hotline settings: IVR digits, default team, ring and voicemail lengths, hotline languages', auth: ROLE_SETS.leads }, async () => settings.get());
  api.route(r, { method: 'put', path: '/api/settings/voice', tag: 'voice', summary: 'Change the hotline settings (managers); the next call uses them', auth: ROLE_SETS.managers, body: voiceSettingsBody }, async ({ body, principal }) =>
    settings.update(body, principal.actor),
  );
  return r;
}
