import { Router, type RequestHandler } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { intParam } from '../../http/schema-types';
import type { AgentModel } from '../../modules/agents/agent.model';
import type { Locale } from '../../core/types';
import type { CallService, MissReason } from './call.service';
import { agentFromClient, clientIdentity, HotlineTwiml } from './twilio.twiml';
import type { VoiceSettingsSource } from './call.service';
import { hotlineLocale, ringTimeout, teamForDigit } from './voice.settings';
import { ROLE_SETS } from '../../core/types';

export const TWILIO_BASE_PATH = '/webhooks/voice/twilio';

/**
 * Checks X-Twilio-Signature with Twilio's own validator over PUBLIC_URL + the requested path and
 * query, and the form parameters. A missing or wrong signature is a 403 before anything is read.
 */
export function verifyTwilioSignature(authToken: string | undefined, publicUrl: string): RequestHandler {
  return (req, _res, next) => {
    const signature = req.header('x-twilio-signature');
    const url = publicUrl + req.originalUrl;
    const params = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    if (!authToken || !signature || !twilio.validateRequest(authToken, signature, url, params)) {
      next(new AppError(403, 'invalid_signature', 'X-Twilio-Signature is missing or does not match this request'));
      return;
    }
    next();
  };
}

const seconds = intParam({ min: 0, max: 10 * 24 * 3600 });

// Twilio sends many more parameters than these and adds new ones over time: only these are read.
const callParams = z.looseObject({
  CallSid: z.string().min(1).max(64),
  From: z.string().max(64).optional(),
  To: z.string().max(64).optional(),
  CallStatus: z.string().max(32).optional(),
});
const menuParams = callParams.extend({ Digits: z.string().max(8).optional() });
const dialParams = callParams.extend({ DialCallStatus: z.string().max(32).optional(), DialCallDuration: seconds.optional() });
const statusParams = callParams.extend({ CallDuration: seconds.optional() });
const answeredParams = z.looseObject({ CallSid: z.string().min(1).max(64), ParentCallSid: z.string().min(1).max(64), To: z.string().max(128).optional() });
const recordingParams = z.looseObject({
  CallSid: z.string().min(1).max(64),
  RecordingUrl: z.string().url().max(1000).optional(),
  RecordingStatus: z.string().max(32).optional(),
  RecordingDuration: seconds.optional(),
});

const FORM = 'application/x-www-form-urlencoded';

export interface TwilioRouteDeps {
  /** TWILIO_AUTH_TOKEN */
  authToken?: string;
  /** PUBLIC_URL: Twilio signs the URL it called */
  publicUrl: string;
  Agent: AgentModel;
  calls: CallService;
  settings: VoiceSettingsSource;
  /** team key → its display name per language, for teams the voice prompts do not name */
  teamNames: () => Promise<Map<string, { en: string; zh: string }>>;
  twiml: HotlineTwiml;
}

export function twilioRoutes(api: ApiRegistry, d: TwilioRouteDeps): Router {
  const { calls, settings, twiml } = d;
  const r = Router();
  r.use(TWILIO_BASE_PATH, verifyTwilioSignature(d.authToken, d.publicUrl));
  const xml = (res: import('express').Response, body: string) => res.status(200).type('text/xml').send(body);
  const ref = (p: { CallSid: string; From?: string; To?: string }) => ({ callId: p.CallSid, source: 'twilio' as const, from: p.From ?? null, to: p.To ?? null });
  const localeOf = async (p: { CallSid: string; To?: string }): Promise<Locale> => ((await calls.find(p.CallSid))?.locale as Locale | undefined) ?? hotlineLocale(await settings.get(), p.To);
  const route = (path: string, summary: string, body: z.ZodType, handler: Parameters<ApiRegistry['route']>[2]) =>
    api.route(r, { method: 'post', path: `${TWILIO_BASE_PATH}${path}`, tag: 'voice', summary, auth: 'public', security: ['twilioSignature'], body, contentType: FORM, produces: ['text/xml'], alsoStatus: [204] }, handler);

  route('/incoming', 'Twilio Voice: a call comes in; answers the greeting and the IVR menu (TwiML)', callParams, async ({ body, res }) => {
    const p = body as z.output<typeof callParams>;
    const { call } = await calls.ringing(ref(p));
    xml(res, twiml.menu(call.locale as Locale, (await settings.get()).menu, await d.teamNames()));
  });

  route('/menu', 'Twilio Voice: the digit the caller pressed; rings the chosen team (TwiML)', menuParams, async ({ body, res }) => {
    const p = body as z.output<typeof menuParams>;
    const current = await settings.get();
    const team = teamForDigit(current, p.Digits);
    const call = await calls.routed(ref(p), team);
    const locale = call.locale as Locale;
    const agents = await d.Agent.find({ active: true, teams: team, role: { $in: [...ROLE_SETS.frontLine] }, 'presence.status': { $in: ['online', 'away'] } }, { _id: 1 }).limit(10).lean();
    if (!agents.length) await calls.missed(ref(p), 'no-agents');
    xml(res, twiml.dial(locale, team, agents.map((a) => clientIdentity(String(a._id))), ringTimeout(current, team), await d.teamNames()));
  });

  route('/answered', 'Twilio Voice: an agent\'s softphone picked up (status callback of <Client>)', answeredParams, async ({ body, res }) => {
    const p = body as z.output<typeof answeredParams>;
    // only for calls this hotline dialled; anything else (an agent's own outbound call) is not a hotline call
    if (await calls.find(p.ParentCallSid)) await calls.answered({ callId: p.ParentCallSid, source: 'twilio' }, agentFromClient(p.To));
    res.status(204).end();
  });

  route('/dial', 'Twilio Voice: how ringing the team ended; offers voicemail when nobody answered (TwiML)', dialParams, async ({ body, res }) => {
    const p = body as z.output<typeof dialParams>;
    const status = p.DialCallStatus ?? 'no-answer';
    if (status === 'completed' || status === 'answered') {
      await calls.answered(ref(p));
      xml(res, twiml.hangup());
      return;
    }
    await calls.missed(ref(p), (['busy', 'failed', 'no-answer'].includes(status) ? status : 'no-answer') as MissReason);
    xml(res, twiml.voicemail(await localeOf(p), (await settings.get()).voicemailMaxSec));
  });

  route('/voicemail-done', 'Twilio Voice: the caller finished the voicemail (TwiML)', callParams, async ({ body, res }) => {
    xml(res, twiml.goodbye(await localeOf(body as z.output<typeof callParams>)));
  });

  route('/status', 'Twilio Voice: call status callback (completed, no-answer, busy, failed, canceled)', statusParams, async ({ body, res }) => {
    const p = body as z.output<typeof statusParams>;
    const status = p.CallStatus ?? '';
    if (status === 'no-answer' || status === 'busy' || status === 'failed') await calls.missed(ref(p), status);
    else if (status === 'canceled') await calls.missed(ref(p), 'abandoned');
    if (['completed', 'no-answer', 'busy', 'failed', 'canceled'].includes(status)) await calls.ended(ref(p), p.CallDuration ?? null);
    else if (status) await calls.ringing(ref(p)); // queued, ringing, in-progress: the call exists, nothing else
    res.status(204).end();
  });

  route('/recording', 'Twilio Voice: a voicemail recording is ready; its URL goes on the ticket', recordingParams, async ({ body, res }) => {
    const p = body as z.output<typeof recordingParams>;
    if ((p.RecordingStatus ?? 'completed') === 'completed' && p.RecordingUrl) {
      await calls.voicemail({ callId: p.CallSid, source: 'twilio' }, p.RecordingUrl, p.RecordingDuration ?? null);
    }
    res.status(204).end();
  });

  return r;
}
