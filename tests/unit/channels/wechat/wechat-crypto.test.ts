import { sameSignature, WechatCipher, WechatCryptoError, wechatSignature } from '../../../../src/channels/wechat/wechat.crypto';
import { parseXmlFields } from '../../../../src/channels/wechat/wechat.xml';

/** WeChat's own WXBizMsgCrypt sample (Sample.py of the official download): key, token, appid and a push. */
const SAMPLE = {
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  token: 'spamtest',
  appId: 'wx2c2769f8efd9abc2',
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};

describe('WeChat message security (WXBizMsgCrypt)', () => {
  it('computes the msg_signature of WeChat\'s published sample', () => {
    expect(wechatSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(SAMPLE.msgSignature);
    expect(sameSignature(SAMPLE.msgSignature, wechatSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt))).toBe(true);
    expect(sameSignature(SAMPLE.msgSignature.replace(/^5/, '6'), SAMPLE.msgSignature)).toBe(false);
    expect(sameSignature('short', SAMPLE.msgSignature)).toBe(false);
  });

  it('decrypts WeChat\'s sample push to its XML', () => {
    const xml = new WechatCipher(SAMPLE.aesKey, SAMPLE.appId).decrypt(SAMPLE.encrypt);
    const f = parseXmlFields(xml);
    expect(f).toEqual({
      ToUserName: 'gh_10f6c3c3ac5a',
      FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
      CreateTime: '1409735668',
      MsgType: 'text',
      Content: 'abcdteT',
      MsgId: '6054768590064713728', // a 64-bit id, kept exact as a string
    });
  });

  it('encrypts like WeChat\'s own SDK test (WXBizMsgCryptTest: fixed random, Chinese text)', () => {
    const c = new WechatCipher(SAMPLE.aesKey, 'wxb11529c136998cb6');
    expect(c.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).toBe('jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==');
  });

  it('refuses the sample under another AppID (the appid check)', () => {
    expect(() => new WechatCipher(SAMPLE.aesKey, 'wx0000000000000000').decrypt(SAMPLE.encrypt)).toThrow(WechatCryptoError);
  });

  it('round-trips Chinese text and pads to whole 32-byte blocks', () => {
    const c = new WechatCipher(SAMPLE.aesKey, SAMPLE.appId);
    for (const msg of ['', 'a', '我是中文abcd123', 'x'.repeat(31), 'y'.repeat(32), '<xml><Content><![CDATA[空调不制冷]]></Content></xml>']) {
      const enc = c.encrypt(msg);
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(c.decrypt(enc)).toBe(msg);
    }
  });

  it('refuses tampered ciphertext and bad keys', () => {
    const c = new WechatCipher(SAMPLE.aesKey, SAMPLE.appId);
    const bytes = Buffer.from(SAMPLE.encrypt, 'base64');
    bytes[bytes.length - 1] ^= 0xff; // breaks the padding of the last block
    expect(() => c.decrypt(bytes.toString('base64'))).toThrow(WechatCryptoError);
    expect(() => c.decrypt('bm90IGJsb2Nrcw==')).toThrow(WechatCryptoError);
    expect(() => new WechatCipher('short', SAMPLE.appId)).toThrow(WechatCryptoError);
  });
});
