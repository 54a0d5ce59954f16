import { XMLParser } from 'fast-xml-parser';

/** WeChat's pushes are a few hundred bytes; anything near this is not from WeChat. */
export const MAX_XML_BYTES = 64 * 1024;
const MAX_TEXT_CHARS = 4000;

export class WechatXmlError extends Error {}

/**
 * The XML of a push, parsed with entity expansion off (no DOCTYPE is accepted at all: WeChat never
 * sends one, and an entity bomb is the classic XML attack) and every value kept as a string — a
 * MsgId is a 64-bit integer that a JavaScript number would round.
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 8,
});

export type Fields = Record<string, string>;

export function parseXmlFields(xml: string): Fields {
  if (Buffer.byteLength(xml, 'utf8') > MAX_XML_BYTES) throw new WechatXmlError('The XML is too large');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new WechatXmlError('A DOCTYPE is not accepted');
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new WechatXmlError(`Malformed XML: ${(err as Error).message.slice(0, 200)}`);
  }
  const root = (doc as { xml?: unknown } | null)?.xml;
  if (!root || typeof root !== 'object') throw new WechatXmlError('The document has no <xml> root');
  const fields: Fields = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    // nested elements (ScanCodeInfo, SendPicsInfo) are flattened one level: what we read are leaves
    if (typeof v === 'string') fields[k] = decodeXmlEntities(v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) if (typeof v2 === 'string') fields[`${k}.${k2}`] = decodeXmlEntities(v2);
    }
  }
  return fields;
}

/** The five predefined entities and character references, nothing else (linear, no expansion). */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
    }
    const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** A customer's push, as the channel uses it. */
export type WechatPush =
  | { kind: 'text'; base: PushBase; msgId: string; content: string }
  | { kind: 'image'; base: PushBase; msgId: string; mediaId: string; picUrl: string | null }
  | { kind: 'voice'; base: PushBase; msgId: string; mediaId: string; format: string | null; recognition: string | null }
  | { kind: 'video'; base: PushBase; msgId: string; mediaId: string; thumbMediaId: string | null }
  | { kind: 'location'; base: PushBase; msgId: string; label: string; lat: string; lng: string }
  | { kind: 'link'; base: PushBase; msgId: string; title: string; url: string }
  | { kind: 'event'; base: PushBase; event: 'subscribe' | 'unsubscribe' | 'CLICK' | 'VIEW' | 'SCAN' | 'LOCATION' | 'other'; eventName: string; eventKey: string | null };

export interface PushBase {
  /** the official account's own id (gh_…) */
  toUser: string;
  /** the customer's openid for this account */
  openId: string;
  createTime: number;
}

const EVENTS = new Set(['subscribe', 'unsubscribe', 'CLICK', 'VIEW', 'SCAN', 'LOCATION']);

/** A push from its fields; a type we do not handle (file, miniprogrampage…) is kept as a text placeholder. */
export function toPush(f: Fields): WechatPush {
  const openId = f.FromUserName;
  const toUser = f.ToUserName;
  const createTime = Number(f.CreateTime);
  if (!openId || !toUser || !/^\d{1,12}$/.test(f.CreateTime ?? '')) throw new WechatXmlError('ToUserName, FromUserName and CreateTime are required');
  if (openId.length > 128 || toUser.length > 128) throw new WechatXmlError('User names are too long');
  const base: PushBase = { toUser, openId, createTime };
  const type = f.MsgType;
  if (type === 'event') {
    const name = (f.Event ?? '').slice(0, 64);
    const event = (EVENTS.has(name) ? name : name.toLowerCase() === 'subscribe' ? 'subscribe' : 'other') as Extract<WechatPush, { kind: 'event' }>['event'];
    return { kind: 'event', base, event, eventName: name, eventKey: f.EventKey ? f.EventKey.slice(0, 512) : null };
  }
  const msgId = f.MsgId ?? f.MsgID;
  if (!msgId || !/^\d{1,24}$/.test(msgId)) throw new WechatXmlError('MsgId is required');
  const cut = (s: string | undefined) => (s ?? '').slice(0, MAX_TEXT_CHARS);
  switch (type) {
    case 'text':
      return { kind: 'text', base, msgId, content: cut(f.Content) };
    case 'image':
      return { kind: 'image', base, msgId, mediaId: required(f.MediaId), picUrl: f.PicUrl ?? null };
    case 'voice':
      return { kind: 'voice', base, msgId, mediaId: required(f.MediaId), format: f.Format ?? null, recognition: f.Recognition ? cut(f.Recognition) : null };
    case 'video':
    case 'shortvideo':
      return { kind: 'video', base, msgId, mediaId: required(f.MediaId), thumbMediaId: f.ThumbMediaId ?? null };
    case 'location':
      return { kind: 'location', base, msgId, label: cut(f.Label), lat: f.Location_X ?? '', lng: f.Location_Y ?? '' };
    case 'link':
      return { kind: 'link', base, msgId, title: cut(f.Title), url: cut(f.Url) };
    default:
      return { kind: 'text', base, msgId, content: `[${String(type ?? 'unknown').slice(0, 32)}]` };
  }
}

function required(v: string | undefined): string {
  if (!v || v.length > 256) throw new WechatXmlError('MediaId is required');
  return v;
}

/** WeChat's retries carry the same MsgId; events have none, so the sender and second stand in. */
export function pushKey(p: WechatPush): string {
  return p.kind === 'event' ? `${p.base.openId}:${p.base.createTime}:${p.eventName}` : p.msgId;
}
