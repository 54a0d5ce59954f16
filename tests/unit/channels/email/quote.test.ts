import { mailTexts } from '../../../../src/channels/email/mail-text';
import { htmlReply, htmlToText } from '../../../../src/channels/email/html-text';
import { cleanSubject, splitReply } from '../../../../src/channels/email/quote';
import { buildMail } from '../../../fixtures/mail/build';
import { useMailStore } from '../../../fixtures/mail/parse';
import { REPLIES } from '../../../fixtures/mail/replies';

describe('the new text of real replies (tests/fixtures/mail/replies.ts), through the whole parser', () => {
  const mails = useMailStore('replies');

  it('has at least 40 replies in the corpus', () => {
    expect(REPLIES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(REPLIES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const raw = buildMail({ from: { name: 'Customer', address: 'customer@example.com' }, to: 'support@demo.local', subject: c.subject ?? 'Re: your ticket [#42]', messageId: '<reply@example.com>', charset: c.charset, text: c.text, html: c.html });
    const mail = await mails.parse(raw);
    const texts = mailTexts(mail);
    const whole = c.text !== undefined ? c.text.trim() : htmlToText(c.html!);
    expect(texts.body).toBe(c.expected === 'all' ? whole : c.expected);
    expect(texts.fullBody).toBe(whole); // the full text is always kept
  });
});

describe('splitReply', () => {
  it('keeps a mail without quotes whole, and a mail that is only a quote too', () => {
    expect(splitReply('Line one\nFrom: my own text, not a header\nLine three')).toEqual({ body: 'Line one\nFrom: my own text, not a header\nLine three', quoted: false });
    expect(splitReply('-----Original Message-----\nforwarded text').body).toBe('-----Original Message-----\nforwarded text');
  });

  it('says whether it trimmed anything', () => {
    expect(splitReply('Thanks\n\n> old').quoted).toBe(true);
    expect(splitReply('Thanks').quoted).toBe(false);
  });

  it('never cuts below a quote that has no header and is followed by the customer\'s text', () => {
    expect(splitReply('Answers:\n> 1. Model?\nWM-800\n> 2. Since when?\nSince Monday.').body).toBe('Answers:\nWM-800\nSince Monday.');
  });
});

describe('HTML to text with a real parser', () => {
  it('drops Gmail and Outlook quote blocks and decodes entities', () => {
    expect(htmlReply('<div>Fixed &amp; working&nbsp;now</div><div class="gmail_quote">On ... wrote:<blockquote>old</blockquote></div>').body).toBe('Fixed & working now');
    expect(htmlReply('<p>好的</p><div id="divRplyFwdMsg"><b>发件人:</b> x</div><p>old</p>').body).toBe('好的');
    expect(htmlToText('<style>p{}</style><p>a<br>b</p>')).toBe('a\nb');
  });

  it('decodes every named entity, not only a few', () => {
    expect(htmlToText('&ni; &Euml; &cent; &hearts; &Omega; &frac12; &amp;lt;')).toBe('∋ Ë ¢ ♥ Ω ½ &lt;');
  });

  it('skips scripts, styles and comments, and reads what is left of broken markup', () => {
    expect(htmlToText('<script>alert(1)</script><!-- hidden --><p>visible<p>also <b>bold')).toBe('visible\nalso bold');
  });
});

describe('cleanSubject', () => {
  it('strips reply prefixes in several languages and ticket tokens', () => {
    expect(cleanSubject('Re: RE: 回复：答复: Fwd: Fridge noise [#42]')).toBe('Fridge noise');
    expect(cleanSubject('[#7] Re: 洗衣机漏水')).toBe('洗衣机漏水');
  });
});
