import twilio from 'twilio';
import type { Locale } from '../../core/types';
import type { PromptBook, TeamNames } from './voice.settings';

const { VoiceResponse } = twilio.twiml;
type SayLanguage = 'en-US' | 'zh-CN';

/** TwiML documents of the hotline, built with Twilio's own builder (which escapes the XML). */
export class HotlineTwiml {
  constructor(
    private readonly prompts: PromptBook,
    /** absolute webhook base, e.g. https://help.example.com/webhooks/voice/twilio (signatures are over absolute URLs) */
    private readonly base: string,
  ) {}

  private say(locale: Locale): { language: SayLanguage } {
    return { language: locale === 'zh-CN' ? 'zh-CN' : 'en-US' };
  }

  /** Greeting and the one-digit menu read from the IVR settings; silence falls through to the menu handler with no digit. */
  menu(locale: Locale, menu: Record<string, string>, names: TeamNames = new Map()): string {
    const r = new VoiceResponse();
    const gather = r.gather({ numDigits: 1, timeout: 6, action: `${this.base}/menu`, method: 'POST', language: locale === 'zh-CN' ? 'cmn-Hans-CN' : 'en-US', actionOnEmptyResult: true });
    gather.say(this.say(locale), this.prompts.text(locale, 'greeting'));
    gather.say(this.say(locale), this.prompts.menu(locale, menu, names));
    r.redirect({ method: 'POST' }, `${this.base}/menu`);
    return r.toString();
  }

  /** Rings the team's agents (Twilio Client identities) for `timeoutSec`; the dial outcome decides what follows. */
  dial(locale: Locale, team: string, clients: string[], timeoutSec: number, names: TeamNames = new Map()): string {
    const r = new VoiceResponse();
    const teamName = this.prompts.teamName(locale, team, names);
    if (!clients.length) {
      r.say(this.say(locale), this.prompts.text(locale, 'noAgents', { team: teamName }));
      this.appendVoicemail(r, locale);
      return r.toString();
    }
    r.say(this.say(locale), this.prompts.text(locale, 'connecting', { team: teamName }));
    const dial = r.dial({ timeout: timeoutSec, action: `${this.base}/dial`, method: 'POST', answerOnBridge: true });
    for (const c of clients) dial.client({ statusCallbackEvent: ['answered'], statusCallback: `${this.base}/answered`, statusCallbackMethod: 'POST' }, c);
    return r.toString();
  }

  voicemail(locale: Locale, maxSec = 120): string {
    const r = new VoiceResponse();
    this.appendVoicemail(r, locale, maxSec);
    return r.toString();
  }

  goodbye(locale: Locale): string {
    const r = new VoiceResponse();
    r.say(this.say(locale), this.prompts.text(locale, 'goodbye'));
    r.hangup();
    return r.toString();
  }

  hangup(): string {
    const r = new VoiceResponse();
    r.hangup();
    return r.toString();
  }

  private appendVoicemail(r: InstanceType<typeof VoiceResponse>, locale: Locale, maxSec = 120): void {
    r.say(this.say(locale), this.prompts.text(locale, 'voicemail'));
    // `action` is required: without it Twilio would post the recording to the current URL and loop.
    r.record({
      maxLength: maxSec,
      playBeep: true,
      action: `${this.base}/voicemail-done`,
      method: 'POST',
      recordingStatusCallback: `${this.base}/recording`,
      recordingStatusCallbackMethod: 'POST',
      recordingStatusCallbackEvent: ['completed'],
    });
    r.say(this.say(locale), this.prompts.text(locale, 'goodbye'));
  }
}

/** The Twilio Client identity an agent registers with in the console's softphone. */
export function clientIdentity(agentId: string): string {
  return `agent_${agentId}`;
}

export function agentFromClient(to: string | undefined): string | null {
  const m = /^client:agent_([a-f0-9]{24})$/i.exec(to ?? '');
  return m ? m[1] : null;
}
