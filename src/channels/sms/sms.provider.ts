import type { Locale } from '../../core/types';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export interface OutgoingSms {
  /** E.164, e.g. +8613800138000 */
  to: string;
  /** the rendered text (providers that send free text) */
  text: string;
  /** the template and its parameters in order (providers with pre-approved templates) */
  template: string;
  params: string[];
  locale: Locale;
  /** our id, echoed back by providers that carry a context (Tencent SessionContext) */
  reference: string;
}

export interface SentSms {
  providerId: string;
  status: SmsStatus;
}

/** A provider's refusal: `permanent` ones (a wrong number, an unsubscribed recipient) are not retried. */
export class SmsProviderError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code: string,
    /** the recipient told the provider to stop (Twilio 21610) */
    readonly optedOut = false,
  ) {
    super(message);
  }
}

/** One SMS provider behind SMS_URL. */
export interface SmsProvider {
  readonly name: 'twilio' | 'tencent' | 'log';
  send(sms: OutgoingSms): Promise<SentSms>;
}
