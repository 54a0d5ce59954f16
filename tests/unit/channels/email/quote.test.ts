import { cleanSubject, htmlToText, splitReply } from '../../../../src/channels/email/quote';

describe('splitReply: the new text of a reply without the quoted history', () => {
  const cases: [string, string, string][] = [
    ['Gmail (English)', 'Thanks, that worked.\n\nOn Tue, 5 Mar 2024 at 10:00, Aftercare Support <support@demo.local> wrote:\n> Please restart the unit.\n> Regards', 'Thanks, that worked.'],
    ['Gmail (wrapped "wrote:")', 'Thanks!\n\nOn Tue, 5 Mar 2024 at 10:00, Aftercare Support <support@demo.local>\nwrote:\n> old', 'Thanks!'],
    ['Gmail (Chinese)', '收到，谢谢。\n\n在 2024年3月5日周二 10:00，售后服务中心 <support@demo.local> 写道：\n> 请重启设备。', '收到，谢谢。'],
    ['Outlook (English)', 'See the photo attached.\n\n-----Original Message-----\nFrom: Aftercare Support\nSent: Tuesday\nTo: me\nSubject: Re: fridge\n\nold text', 'See the photo attached.'],
    ['Outlook (Chinese header block)', '好的，明天在家。\r\n\r\n发件人: 售后服务中心 <support@demo.local>\r\n发送时间: 2024年3月5日 10:00\r\n收件人: 张伟\r\n主题: 上门时间\r\n\r\n请确认上门时间。', '好的，明天在家。'],
    ['Outlook web (rule then From:)', 'Yes please.\n\n________________________________\nFrom: Aftercare Support <support@demo.local>\nSent: 05 March 2024 10:00\nTo: Ann\nSubject: Visit\n\nShall we visit?', 'Yes please.'],
    ['QQ Mail / Foxmail', '已经寄回。\n\n------------------ 原始邮件 ------------------\n发件人: "售后服务中心"<support@demo.local>;\n发送时间: 2024年3月5日\n\n请寄回。', '已经寄回。'],
    ['QQ Mail (dashes only)', '已经寄回。\n-----原始邮件-----\n请寄回。', '已经寄回。'],
    ['interleaved > quotes', '> Which model?\nXQG80\n> Serial?\nSN123', 'XQG80\nSN123'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(splitReply(input).body).toBe(expected);
  });

  it('keeps a mail without quotes whole, and a mail that is only a quote too', () => {
    expect(splitReply('Line one\nFrom: my own text, not a header\nLine three')).toEqual({ body: 'Line one\nFrom: my own text, not a header\nLine three', quoted: false });
    expect(splitReply('-----Original Message-----\nforwarded text').body).toBe('-----Original Message-----\nforwarded text');
  });
});

describe('htmlToText', () => {
  it('drops Gmail and Outlook quote blocks and decodes entities', () => {
    expect(htmlToText('<div>Fixed &amp; working&nbsp;now</div><div class="gmail_quote">On ... wrote:<blockquote>old</blockquote></div>', true)).toBe('Fixed & working now');
    expect(htmlToText('<p>好的</p><div id="divRplyFwdMsg"><b>发件人:</b> x</div><p>old</p>', true)).toBe('好的');
    expect(htmlToText('<style>p{}</style><p>a<br>b</p>')).toBe('a\nb');
  });
});

describe('cleanSubject', () => {
  it('strips reply prefixes in several languages and ticket tokens', () => {
    expect(cleanSubject('Re: RE: 回复：答复: Fwd: Fridge noise [#42]')).toBe('Fridge noise');
    expect(cleanSubject('[#7] Re: 洗衣机漏水')).toBe('洗衣机漏水');
  });
});
