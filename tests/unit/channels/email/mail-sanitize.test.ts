import { sanitizeMailHtml } from '../../../../src/channels/email/html-sanitize';

/** What an agent's browser loads when it shows a customer's HTML mail: nothing from elsewhere. */
describe('mail HTML sanitiser', () => {
  it('drops protocol-relative and remote images (tracking pixels) and keeps inline cid: images', () => {
    const out = sanitizeMailHtml('<p>Hi<img src="//tracker.example/p.gif"><img src="https://tracker.example/p.gif" width="1"><img src=" //tracker.example/q.gif"><img src="/\t/tracker.example/r.gif"><img src="cid:photo1@example.cn" alt="photo"><img srcset="//tracker.example/s.gif 1x"></p>')!;
    expect(out).not.toMatch(/tracker\.example/);
    expect(out).toContain('<img alt="photo" src="cid:photo1@example.cn" />');
    expect(out.match(/<img/g)).toHaveLength(1);
  });

  it('keeps absolute http(s) and mailto links, drops protocol-relative, relative and script links', () => {
    const out = sanitizeMailHtml('<a href="//evil.example/x">a</a><a href="/\\evil.example">b</a><a href="/api/tickets">c</a><a href="javascript:alert(1)">d</a><a href="https://shop.example/order/1">e</a><a href="mailto:ann@example.com">f</a>')!;
    expect(out).not.toMatch(/evil\.example|\/api\/tickets|javascript/);
    expect(out).toContain('href="https://shop.example/order/1"');
    expect(out).toContain('href="mailto:ann@example.com"');
    expect(out.match(/rel="noopener noreferrer nofollow"/g)).toHaveLength(6);
  });

  it('drops scripts, handlers and styles that could load anything', () => {
    const out = sanitizeMailHtml('<div style="background-image:url(//t.example/a.gif);color:red" onclick="x()">t</div><script>alert(1)</script><style>@import url(//t.example/c.css)</style><link rel="stylesheet" href="//t.example/d.css">')!;
    expect(out).toBe('<div style="color:red">t</div>');
  });

  it('gives no HTML for none, or for more than it sanitises', () => {
    expect(sanitizeMailHtml(null)).toBeNull();
    expect(sanitizeMailHtml(`<p>${'x'.repeat(200_000)}</p>`)).toBeNull();
  });
});
