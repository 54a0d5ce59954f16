import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../../core/types';

/** What the channel itself says to a WeChat customer (templates/wechat/<locale>.json). */
export type WechatText = 'codeSent' | 'linked' | 'wrongCode' | 'expired' | 'smsUnavailable' | 'badPhone' | 'customerName';

const load = (locale: Locale): Record<WechatText, string> => JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'templates', 'wechat', `${locale}.json`), 'utf8'));
const TEXTS: Record<Locale, Record<WechatText, string>> = { en: load('en'), 'zh-CN': load('zh-CN') };
const hb = Handlebars.create();

export function wechatText(locale: Locale, key: WechatText, vars: Record<string, string> = {}): string {
  return hb.compile(TEXTS[locale][key] ?? TEXTS.en[key], { noEscape: true })(vars);
}
