import sanitizeHtml from 'sanitize-html';

/**
 * HTML from outside, made safe to show in an agent's browser. Beyond sanitize-html's defaults:
 * - no remote loads of any kind: an `<img>` keeps only a `cid:` source (an inline image of the
 *   mail itself, later pointed at its stored attachment); a remote or protocol-relative
 *   (`//host/p.gif`) image is dropped with its tag, since it is a tracking pixel that tells the
 *   sender when and where an agent opened the mail;
 * - a link keeps its `href` only when it is absolute http(s) or mailto; protocol-relative and
 *   relative links (which would resolve against the console's own origin) lose it;
 * - a few inline styles for colours and alignment, nothing that can load a URL.
 */

/** Sanitising costs ~0.5 µs a character of dense markup; past this the agent gets the text only. */
export const MAX_SANITIZE_CHARS = 100_000;

// Browsers drop these anywhere in a URL (and blanks at its ends) before reading its scheme.
// eslint-disable-next-line no-control-regex
const URL_NOISE = /[\u0000-\u0020\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\ufeff]/g;

function cleanUrl(value: string | undefined): string {
  return (value ?? '').slice(0, 4096).replace(URL_NOISE, '');
}

const LINK = /^(?:https?:\/\/[^/\\]|mailto:)/i;
const INLINE_IMAGE = /^cid:/i;

export const MAIL_HTML_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'u', 's'],
  allowedAttributes: { a: ['href', 'title', 'rel', 'target'], img: ['src', 'alt', 'width', 'height'], td: ['colspan', 'rowspan'], th: ['colspan', 'rowspan'], '*': ['style'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['cid'] },
  allowProtocolRelative: false,
  allowedStyles: { '*': { color: [/^[#a-z0-9(),.\s%]+$/i], 'background-color': [/^[#a-z0-9(),.\s%]+$/i], 'text-align': [/^(left|right|center|justify)$/], 'font-weight': [/^\w+$/] } },
  transformTags: {
    a: (tagName, attribs) => {
      const href = cleanUrl(attribs.href);
      const out: sanitizeHtml.Attributes = { rel: 'noopener noreferrer nofollow', target: '_blank' };
      if (LINK.test(href)) out.href = href;
      if (attribs.title) out.title = attribs.title;
      if (attribs.style) out.style = attribs.style;
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const src = cleanUrl(attribs.src);
      const { src: _drop, srcset: _srcset, ...rest } = attribs;
      return { tagName, attribs: INLINE_IMAGE.test(src) ? { ...rest, src } : rest };
    },
  },
  // an image left without a source (it was remote) goes away whole
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

/** The sanitised HTML of a mail, or null when there is none or it is too large to sanitise. */
export function sanitizeMailHtml(html: string | null | undefined): string | null {
  if (!html || html.length > MAX_SANITIZE_CHARS) return null;
  return sanitizeHtml(html, MAIL_HTML_OPTIONS);
}
