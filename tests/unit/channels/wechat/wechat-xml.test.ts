import { parseXmlFields, pushKey, toPush, WechatXmlError } from '../../../../src/channels/wechat/wechat.xml';

const push = (inner: string) => `<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><FromUserName><![CDATA[o_user1]]></FromUserName><CreateTime>1700000000</CreateTime>${inner}</xml>`;

describe('WeChat push XML', () => {
  it('reads text, image, voice and events with their keys', () => {
    const text = toPush(parseXmlFields(push('<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[空调 <不制冷> & 漏水]]></Content><MsgId>6054768590064713728</MsgId>')));
    expect(text).toMatchObject({ kind: 'text', content: '空调 <不制冷> & 漏水', msgId: '6054768590064713728', base: { openId: 'o_user1', toUser: 'gh_abc', createTime: 1700000000 } });
    expect(pushKey(text)).toBe('6054768590064713728');

    const image = toPush(parseXmlFields(push('<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz/x.jpg]]></PicUrl><MediaId><![CDATA[media_1]]></MediaId><MsgId>1</MsgId>')));
    expect(image).toMatchObject({ kind: 'image', mediaId: 'media_1' });

    const voice = toPush(parseXmlFields(push('<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[m2]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>2</MsgId>')));
    expect(voice).toMatchObject({ kind: 'voice', mediaId: 'm2', format: 'amr' });

    const sub = toPush(parseXmlFields(push('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>')));
    expect(sub).toMatchObject({ kind: 'event', event: 'subscribe' });
    expect(pushKey(sub)).toBe('o_user1:1700000000:subscribe');

    const click = toPush(parseXmlFields(push('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[REPAIR]]></EventKey>')));
    expect(click).toMatchObject({ kind: 'event', event: 'CLICK', eventKey: 'REPAIR' });
    const view = toPush(parseXmlFields(push('<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[VIEW]]></Event><EventKey><![CDATA[https://example.com]]></EventKey>')));
    expect(view).toMatchObject({ kind: 'event', event: 'VIEW', eventKey: 'https://example.com' });
  });

  it('decodes plain-text entities without expanding any DOCTYPE', () => {
    expect(parseXmlFields('<xml><Content>a &amp; b &lt;c&gt; &#20013;&#x6587;</Content></xml>').Content).toBe('a & b <c> 中文');
    const bomb = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>';
    expect(() => parseXmlFields(bomb)).toThrow(WechatXmlError);
  });

  it('refuses what is not a push: no root, missing fields, oversize, too deep', () => {
    expect(() => parseXmlFields('<html></html>')).toThrow(WechatXmlError);
    expect(() => toPush(parseXmlFields('<xml><MsgType>text</MsgType></xml>'))).toThrow(WechatXmlError);
    expect(() => toPush(parseXmlFields(push('<MsgType>text</MsgType><Content>x</Content>')))).toThrow(/MsgId/);
    expect(() => parseXmlFields(`<xml><Content>${'x'.repeat(70_000)}</Content></xml>`)).toThrow(/too large/);
    expect(() => parseXmlFields(`<xml>${'<a>'.repeat(50)}${'</a>'.repeat(50)}</xml>`)).toThrow(WechatXmlError);
  });
});
