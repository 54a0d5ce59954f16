import { headerText, ParsedMail } from './mail-parse';

export type Noise = { kind: 'bounce' | 'auto_reply' | 'bulk' | 'own_address'; reason: string };

const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?|no-?reply-bounce)@/i;

/**
 * Mail no person wrote to us: bounces, auto-replies, lists, our own mail coming back. None of it
 * opens a ticket or gets an acknowledgement, or two auto-responders would write to each other forever.
 */
export function classifyNoise(mail: ParsedMail, envelope: { mailFrom: string | null }, ownAddresses: Set<string>): Noise | null {
  const h = mail.headers;
  const from = mail.from?.address ?? '';
  const report = mail.contentType === 'multipart/report';
  if (report || DAEMON.test(from) || DAEMON.test(envelope.mailFrom ?? '')) return { kind: 'bounce', reason: report ? 'multipart/report' : `sender ${from || envelope.mailFrom}` };
  const auto = headerText(h, 'auto-submitted').toLowerCase();
  if (auto && auto !== 'no') return { kind: 'auto_reply', reason: `Auto-Submitted: ${auto}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-reply', 'x-autoresponse']) {
    if (h.has(name)) return { kind: 'auto_reply', reason: name };
  }
  const suppress = headerText(h, 'x-auto-response-suppress').toLowerCase();
  if (h.has('x-ms-exchange-generated-message-source') || /\b(all|oof|autoreply)\b/.test(suppress) && /^(automatic reply|auto|自动回复)/i.test(mail.subject)) {
    return { kind: 'auto_reply', reason: 'exchange auto-reply' };
  }
  const precedence = headerText(h, 'precedence').toLowerCase();
  if (['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) return { kind: 'bulk', reason: `Precedence: ${precedence}` };
  // A null reverse-path (MAIL FROM:<>) is how RFC 5321 and RFC 3834 ask notifications to be sent.
  if (envelope.mailFrom === '') return { kind: 'auto_reply', reason: 'null sender' };
  if (from && ownAddresses.has(from)) return { kind: 'own_address', reason: `from ${from}` };
  return null;
}
