/**
 * The lines mail clients write around quoted history, in the languages customers write in. Every
 * test here looks at a bounded head or tail of a line (at most a few hundred characters) with
 * anchored patterns whose quantifiers are bounded, so a test costs the same on a 10-character line
 * and on a 200 000-character one: classifying a mail is linear in its length.
 */

const head = (s: string, n = 160) => s.slice(0, n);
const tail = (s: string, n = 160) => s.slice(-n);

// ---- separators: a line that by itself starts the history (Outlook, QQ Mail, Foxmail, NetEase)
const SEPARATOR_WORDS = [
  'original message',
  'ursprüngliche nachricht',
  'originalnachricht',
  'mensaje original',
  'ursprungligt meddelande',
  'messaggio originale',
  "message d'origine",
  'oorspronkelijk bericht',
  'mensagem original',
  'alkuperäinen viesti',
  'oprindelig meddelelse',
  'opprinnelig melding',
  'wiadomość oryginalna',
  'původní zpráva',
  'исходное сообщение',
  'reply message',
  '原始邮件',
  '原始郵件',
  '原邮件',
  '回复的原邮件',
  '邮件原文',
  '原始信件',
  '元のメッセージ',
  '원본 메시지',
];
const SEPARATOR = new RegExp(`^[-_=*\\s]{0,40}(?:${SEPARATOR_WORDS.join('|')})[-_=*\\s]{0,40}$`, 'i');

export function isSeparator(line: string): boolean {
  if (line.length > 120) return false;
  return SEPARATOR.test(line) || /^_{6,}$/.test(line);
}

// ---- forward markers: what follows is content the customer forwards on purpose
const FORWARD_WORDS = [
  'forwarded message',
  'weitergeleitete nachricht',
  'mensaje reenviado',
  'vidarebefordrat meddelande',
  'videresendt meddelelse',
  'messaggio inoltrato',
  'message transféré',
  'doorgestuurd bericht',
  'mensagem encaminhada',
  'välitetty viesti',
  'пересылаемое сообщение',
  '转发消息',
  '转发的邮件',
  '转发邮件',
  '已转发邮件',
  '轉寄郵件',
  '轉寄的郵件',
  '轉寄訊息',
  '転送メッセージ',
  '転送されたメッセージ',
  '전달된 메시지',
];
const FORWARD_RULE = new RegExp(`^[-_=*\\s>]{0,40}(?:${FORWARD_WORDS.join('|')})[-_=*\\s]{0,40}$`, 'i');
const FORWARD_INTRO = /^(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|début du message transféré|inicio del mensaje reenviado|comienzo del mensaje reenviado|inizio messaggio inoltrato|vidarebefordrat brev|以下是转发的邮件|下面是被转发的邮件|轉寄的郵件開始|転送されたメッセージの開始)[ \t]{0,3}[:：]$/i;

export function isForwardMarker(line: string): boolean {
  if (line.length > 120) return false;
  return FORWARD_RULE.test(line) || FORWARD_INTRO.test(line);
}

/** "Fwd:", "FW:", "WG:", "TR:", "RV:", "VS:", "I:", "转发：", "轉寄：" at the start of a subject */
export const FORWARD_SUBJECT = /^[ \t]{0,5}(?:fwd?|wg|tr|rv|vs|enc|転送|转发|轉寄|轉發)[ \t]{0,3}[:：]/i;

// ---- header blocks: "From: …" followed by "Sent: …", "To: …", "Subject: …"
const FROM_KEYS = ['from', 'von', 'de', 'från', 'da', 'van', 'od', 'fra', 'lähettäjä', 'от', '发件人', '寄件者', '寄件人', '发信人', '發件人', '差出人', '送信者', '보낸 사람'];
const NEXT_KEYS = [
  'sent', 'date', 'to', 'cc', 'subject', 'reply-to',
  'gesendet', 'datum', 'an', 'betreff', 'kopie',
  'enviado', 'enviada', 'enviado el', 'enviada el', 'fecha', 'para', 'asunto', 'cc',
  'envoyé', 'envoyé le', 'à', 'objet', 'date d\'envoi',
  'skickat', 'till', 'ämne', 'kopia',
  'inviato', 'data', 'a', 'oggetto',
  'verzonden', 'aan', 'onderwerp',
  'assunto',
  'отправлено', 'кому', 'тема',
  '发送时间', '发送日期', '日期', '时间', '收件人', '抄送', '主题',
  '寄件日期', '傳送時間', '時間', '收件者', '副本', '主旨',
  '送信日時', '日時', '宛先', '件名',
  '받는 사람', '날짜', '제목',
];
const keyPattern = (keys: string[]) => new RegExp(`^[*\\s]{0,3}(?:${[...new Set(keys)].join('|')})[*\\s]{0,3}[:：]`, 'i');
const FROM_KEY = keyPattern(FROM_KEYS);
const NEXT_KEY = keyPattern(NEXT_KEYS);

export function isHeaderStart(line: string): boolean {
  return FROM_KEY.test(head(line, 40));
}

export function isHeaderKey(line: string): boolean {
  return NEXT_KEY.test(head(line, 40));
}

// ---- attributions: "On <date>, <name> wrote:" and its siblings
export interface Attribution {
  lang: string;
}

interface AttributionRule {
  lang: string;
  start?: RegExp;
  end: RegExp;
  /** a word that must appear somewhere (checked with indexOf: linear) */
  contains?: string;
}

const RULES: AttributionRule[] = [
  { lang: 'en', start: /^(?:on|in a message dated)\s/i, end: /\b(?:wrote|sent)[ \t]{0,3}:$/i },
  { lang: 'fr', start: /^le\s/i, end: /a[ \t]{1,3}écrit[ \t]{0,3}:$/i },
  { lang: 'de', start: /^am\s/i, end: /:$/, contains: ' schrieb ' },
  { lang: 'de', start: /^am\s/i, end: /schrieb[ \t]{0,3}:$/i },
  { lang: 'es', start: /^el\s/i, end: /escribió[ \t]{0,3}:$/i },
  { lang: 'it', start: /^il(?:\s|giorno\s)/i, end: /(?:ha[ \t]{1,3}scritto)[ \t]{0,3}:$/i },
  { lang: 'pt', start: /^em\s/i, end: /escreveu[ \t]{0,3}:$/i },
  { lang: 'nl', start: /^op\s/i, end: /:$/, contains: ' schreef ' },
  { lang: 'sv', start: /^den\s/i, end: /:$/, contains: ' skrev ' },
  { lang: 'da', start: /^den\s/i, end: /:$/, contains: ' skrev' },
  { lang: 'zh', start: /^在/, end: /写道[ \t]{0,3}[:：]?$/ },
  { lang: 'zh', end: /写道[ \t]{0,3}[:：]$/ },
  { lang: 'zh-TW', start: /^於/, end: /寫道[ \t]{0,3}[:：]?$/ },
  { lang: 'zh-TW', end: /寫道[ \t]{0,3}[:：]$/ },
  { lang: 'ja', end: /(?:さんは書きました|は書きました|が書きました)[ \t]{0,3}[:：]$/ },
  { lang: 'ja', end: /のメッセージ[ \t]{0,3}[:：]$/ },
  { lang: 'ko', end: /(?:님이 작성|작성)[ \t]{0,3}[:：]$/ },
  // Gmail in Japanese and others: "2024年3月5日(火) 10:00 Name <a@b>:" (a date first, an address last)
  { lang: 'date-address', start: /^\d{4}[年/.-]/, end: />[ \t]{0,3}[:：]$/ },
];

export function isAttribution(line: string): Attribution | null {
  if (line.length > 600) return null;
  const h = head(line);
  const t = tail(line, 60);
  for (const r of RULES) {
    if (r.start && !r.start.test(h)) continue;
    if (!r.end.test(t)) continue;
    if (r.contains && !line.toLowerCase().includes(r.contains)) continue;
    return { lang: r.lang };
  }
  return null;
}

/** An attribution with an address, a year or a time in it; one without needs a quote after it. */
export function isStrongAttribution(line: string, _a: Attribution): boolean {
  return line.includes('@') || /\d{4}|\d{1,2}[:：]\d{2}/.test(line);
}

// ---- mobile signatures: a whole line a phone's mail app appends
const SIGNATURE = new RegExp(
  '^(?:' +
    [
      'sent from my (?:iphone|ipad|ipod|android|mobile|phone|smartphone|samsung[\\w -]{0,20}|galaxy[\\w -]{0,20}|huawei[\\w -]{0,20}|xiaomi[\\w -]{0,20}|blackberry[\\w -]{0,20}|sony xperia[\\w -]{0,20})',
      'sent from (?:outlook|mail|yahoo mail|gmail|my mobile)(?: for (?:ios|android|iphone|windows))?',
      'sent with (?:protonmail|proton mail)[\\w -]{0,30}',
      'get outlook for (?:ios|android)',
      'envoyé de mon (?:iphone|ipad|mobile|smartphone)',
      'von meinem (?:iphone|ipad|smartphone|android[\\w -]{0,20}) gesendet',
      'enviado desde mi (?:iphone|ipad|móvil|android|smartphone)',
      'enviado do meu (?:iphone|ipad|android)',
      'skickat från min (?:iphone|ipad|mobil)',
      'inviato da (?:iphone|ipad|il mio iphone|il mio ipad)',
      'verzonden vanaf mijn (?:iphone|ipad)',
      '从我的\\s?(?:iphone|ipad|手机|华为手机|小米手机)\\s?发送',
      '發自我的\\s?(?:iphone|ipad)',
      '发自我的\\s?(?:iphone|ipad|手机|华为手机|小米手机|荣耀手机)',
      '从我的\\s?(?:iphone|ipad)\\s?发出',
      '從我的\\s?(?:iphone|ipad|手機)\\s?傳送',
      '來自我的\\s?(?:iphone|ipad)',
      '来自我的\\s?(?:iphone|ipad|华为手机|小米手机)',
      'iphoneから送信',
      'ipadから送信',
    ].join('|') +
    ')[.。!]?$',
  'i',
);

export function isMobileSignature(line: string): boolean {
  if (line.length > 60) return false;
  return SIGNATURE.test(line.replace(/^[-—–\s]{0,4}/, ''));
}
