import { sanitizeMailHtml } from './html-sanitize';
import { htmlReply, htmlToText } from './html-text';
import { splitReply } from './quote';

export interface MailTexts {
  /** the new text: the customer's own words with quoted history trimmed */
  body: string;
  /** the whole text, where there is any */
  fullBody: string | null;
  /** the sanitised HTML, or null */
  html: string | null;
}

/**
 * The texts a message shows: from the plain-text part when the mail has one (clients write their
 * own quote markers into it), else from the HTML with its quote blocks; the HTML sanitised.
 */
export function mailTexts(mail: { text: string; html: string | null; subject: string }): MailTexts {
  const html = sanitizeMailHtml(mail.html);
  const full = mail.text.trim();
  if (full) return { body: splitReply(full, { subject: mail.subject }).body, fullBody: full, html };
  if (mail.html) {
    const whole = htmlToText(mail.html);
    return { body: htmlReply(mail.html, { subject: mail.subject }).body || whole, fullBody: whole || null, html };
  }
  return { body: '', fullBody: null, html };
}
