import { startTestApp, TestApp } from '../helpers/harness';

describe('knowledge base articles and the help centre', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  }, 60000);
  afterAll(async () => app?.close());

  const publicTitles = async (q: string, locale: string) => ((await app.http().get('/api/help/search').query({ q, locale })).body.items as { title: string }[]).map((i) => i.title);

  it('keeps internal articles and drafts out of every public route, and shows them to agents', async () => {
    const tech = await app.as('agent1@demo.local'); // works tech: a publisher
    const internal = await tech.post('/api/kb/articles').send({ locale: 'en', title: 'Compressor relay bypass for engineers', body: 'Bridge the compressor relay only with the service tool.', visibility: 'internal', status: 'published', models: ['AC-3500'] });
    expect(internal.status).toBe(201);
    const draft = await tech.post('/api/kb/articles').send({ locale: 'en', title: 'Compressor hums but does not start', body: 'A humming compressor that never starts points to the start capacitor.', models: ['AC-3500'] });
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');

    expect(await publicTitles('compressor relay', 'en')).not.toContain('Compressor relay bypass for engineers');
    expect(await publicTitles('compressor hums', 'en')).not.toContain('Compressor hums but does not start');
    for (const slug of [internal.body.slug, draft.body.slug]) {
      const page = await app.http().get(`/help/${slug}`);
      expect(page.status).toBe(404);
      expect(page.text).not.toContain('Compressor');
    }
    const listing = await app.http().get('/help/model/AC-3500?lang=en');
    expect(listing.text).not.toContain('Compressor relay bypass');
    expect(listing.text).not.toContain('Compressor hums');
    // an internal article's id cannot be counted as a deflection either
    expect((await app.http().post('/api/help/deflections').send({ articleId: internal.body.id, clientId: 'abcdefgh12' })).body.counted).toBe(false);

    const agentSearch = (await tech.get('/api/kb/search').query({ q: 'compressor relay', locale: 'en' })).body.items.map((i: { title: string }) => i.title);
    expect(agentSearch[0]).toBe('Compressor relay bypass for engineers');
    // drafts are not searched (nobody inserts a draft into a reply) but are listed for their authors
    expect((await tech.get('/api/kb/search').query({ q: 'compressor hums', locale: 'en' })).body.items.map((i: { title: string }) => i.title)).not.toContain('Compressor hums but does not start');
    const drafts = await tech.get('/api/kb/articles').query({ locale: 'en', status: 'draft' });
    expect(drafts.body.items.map((i: { title: string }) => i.title)).toContain('Compressor hums but does not start');

    // published by a publisher, it reaches the public
    const pub = await tech.put(`/api/kb/articles/${draft.body.id}`).send({ status: 'published' });
    expect(pub.status).toBe(200);
    expect(await publicTitles('compressor hums', 'en')).toContain('Compressor hums but does not start');
    expect((await app.http().get(`/help/${draft.body.slug}`)).status).toBe(200);
    // and back to draft it leaves the public again
    expect((await tech.put(`/api/kb/articles/${draft.body.id}`).send({ status: 'draft' })).status).toBe(200);
    expect(await publicTitles('compressor hums', 'en')).not.toContain('Compressor hums but does not start');
    expect((await app.http().get(`/help/${draft.body.slug}`)).status).toBe(404);
  });

  it('keeps every change as a version with author and time, readable later; stale edits get a 409', async () => {
    const a2 = await app.as('agent2@demo.local'); // complaints/returns: writes drafts, does not publish
    const created = await a2.post('/api/kb/articles').send({ locale: 'zh-CN', title: '退货需要准备哪些材料', body: '请准备发票。', category: 'warranty' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const v2 = await a2.put(`/api/kb/articles/${id}`).send({ body: '请准备发票和原包装。', expectedVersion: 1 });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const stale = await a2.put(`/api/kb/articles/${id}`).send({ body: '过时的修改', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('version_conflict');
    // agent2 may not publish; a supervisor does
    const refused = await a2.put(`/api/kb/articles/${id}`).send({ status: 'published' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('kb_publish_forbidden');
    const sup = await app.as('supervisor@demo.local');
    expect((await sup.put(`/api/kb/articles/${id}`).send({ status: 'published', title: '退货需要准备什么材料' })).status).toBe(200);
    // a published article is changed by publishers only
    expect((await a2.put(`/api/kb/articles/${id}`).send({ body: '改一下' })).status).toBe(403);

    const got = await a2.get(`/api/kb/articles/${id}`);
    expect(got.body.version).toBe(3);
    expect(got.body.versions.map((v: { version: number; author: { name: string } }) => [v.version, v.author.name])).toEqual([
      [1, 'Sarah Miller'],
      [2, 'Sarah Miller'],
      [3, 'Li Na (李娜)'],
    ]);
    expect(got.body.versions[2]).toEqual(expect.objectContaining({ status: 'published', at: expect.any(String) }));
    const first = await a2.get(`/api/kb/articles/${id}/versions/1`);
    expect(first.status).toBe(200);
    expect(first.body).toEqual(expect.objectContaining({ version: 1, title: '退货需要准备哪些材料', body: '请准备发票。' }));
    expect((await a2.get(`/api/kb/articles/${id}/versions/9`)).status).toBe(404);
  });

  it('links translations and renders Markdown safely', async () => {
    const sup = await app.as('supervisor@demo.local');
    const zh = await sup.post('/api/kb/articles').send({ locale: 'zh-CN', title: '遥控器没反应', body: '请更换电池。<script>alert(1)</script> [点我](javascript:alert(1)) <img src=x onerror=alert(1)>', status: 'published', models: ['AC-3500'] });
    const en = await sup.post('/api/kb/articles').send({ locale: 'en', title: 'Remote control does nothing', body: 'Replace the **batteries**.', status: 'published', translationOf: zh.body.id, models: ['AC-3500'] });
    expect(en.status).toBe(201);
    expect(en.body.translations).toEqual([expect.objectContaining({ id: zh.body.id, locale: 'zh-CN' })]);
    // one article per language in a pair
    const twice = await sup.post('/api/kb/articles').send({ locale: 'en', title: 'Another', body: 'x', translationOf: zh.body.id });
    expect(twice.status).toBe(409);
    const page = await app.http().get(`/help/${zh.body.slug}`).set('Accept-Language', 'zh-CN,zh;q=0.9');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="zh-CN">');
    expect(page.text).not.toMatch(/<script>alert|href="javascript:|<img[^>]*onerror/);
    expect(page.text).toContain('&lt;script&gt;');
    expect(page.text).toContain(`/help/${en.body.slug}`);
    expect((await app.http().get(`/help/${en.body.slug}?lang=en`)).text).toContain('<strong>batteries</strong>');
  });

  it('proposes an article from a solved ticket, counts its use in a reply in the ticket\'s language, and reports it', async () => {
    const a1 = await app.as('agent1@demo.local');
    const t = await a1.post('/api/tickets').send({ channel: 'voice', subject: '洗衣机脱水时噪音很大', body: '每次脱水都有很大的响声。', team: 'support', customer: { name: '周杰', phone: '+86 137 0000 2222', locale: 'zh-CN' }, product: { model: 'WM-800 Washer' } });
    const n = t.body.number;
    expect((await a1.get(`/api/kb/proposals/tickets/${n}`)).status).toBe(409);
    await a1.post(`/api/tickets/${n}/messages`).send({ body: '请先拆下运输螺栓，再把四个脚调平。', status: 'solved' });
    const proposal = await a1.get(`/api/kb/proposals/tickets/${n}`);
    expect(proposal.status).toBe(200);
    expect(proposal.body).toEqual(expect.objectContaining({ locale: 'zh-CN', title: '洗衣机脱水时噪音很大', models: ['WM-800'], status: 'draft', sourceTicket: n }));
    expect(proposal.body.body).toContain('运输螺栓');
    const saved = await a1.post('/api/kb/articles').send({ ...proposal.body, title: '脱水噪音大：先拆运输螺栓' });
    expect(saved.status).toBe(201);
    expect(saved.body.sourceTicket).toBe(n);

    // the English filter article, inserted into a Chinese customer's ticket, comes in Chinese
    const en = (await a1.get('/api/kb/search').query({ q: 'clean the filter', locale: 'en' })).body.items[0];
    expect(en.title).toBe('How to clean the air conditioner filter');
    const use = await a1.post(`/api/kb/articles/${en.id}/uses`).send({ ticketNumber: n, mode: 'link' });
    expect(use.status).toBe(200);
    expect(use.body).toEqual(expect.objectContaining({ locale: 'zh-CN', title: '空调滤网的清洗方法', counted: true }));
    expect(use.body.text).toContain('/help/');
    expect((await a1.post(`/api/kb/articles/${en.id}/uses`).send({ ticketNumber: n })).body.counted).toBe(false);

    const target = (await app.http().get('/api/help/search').query({ q: '洗衣机漏水', locale: 'zh-CN' })).body.items[0];
    const d1 = await app.http().post('/api/help/deflections').send({ articleId: target.id, clientId: 'visitor-0001' });
    expect(d1.status).toBe(202);
    expect(d1.body.counted).toBe(true);
    expect((await app.http().post('/api/help/deflections').send({ articleId: target.id, clientId: 'visitor-0001' })).body.counted).toBe(false);

    const manager = await app.as('manager@demo.local');
    const report = await manager.get('/api/reports/kb');
    expect(report.status).toBe(200);
    expect(report.body).toEqual(expect.objectContaining({ used: 1, deflections: 1 }));
    expect(report.body.articles.map((x: { title: string }) => x.title)).toEqual(expect.arrayContaining(['空调滤网的清洗方法', '洗衣机漏水的检查与处理']));
    expect((await a1.get('/api/reports/kb')).status).toBe(403);
  });

  it('serves the help centre in the visitor\'s language: home, categories, models, search', async () => {
    const zh = await app.http().get('/help').set('Accept-Language', 'zh-CN');
    expect(zh.status).toBe(200);
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('故障排查');
    expect(zh.text).toContain('/help/model/AC-3500');
    const en = await app.http().get('/help?lang=en');
    expect(en.text).toContain('Troubleshooting');
    const results = await app.http().get('/help/search').query({ q: '洗衣机排水慢', lang: 'zh-CN' });
    expect(results.text).toContain('洗衣机不排水或排水慢');
    expect(results.text).toMatch(/<mark>/);
    const cat = await app.http().get('/help/category/warranty?lang=en');
    expect(cat.text).toContain('How to register your warranty');
    expect((await app.http().get('/help/category/nothing')).status).toBe(404);
    const openapi = (await app.http().get('/api/openapi.json')).body;
    for (const p of ['/api/kb/articles', '/api/kb/articles/{id}', '/api/kb/search', '/api/help/search', '/help', '/help/{slug}']) expect(openapi.paths[p]).toBeDefined();
  });
});
