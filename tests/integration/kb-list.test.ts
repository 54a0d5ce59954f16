import { startTestApp, TestApp } from '../helpers/harness';

/** The console's article list: by status, language, audience and model, searched by words (drafts too), and the editor's preview. */
describe('knowledge base list for the console', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  }, 60000);
  afterAll(async () => app?.close());

  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((i) => i.id);

  it('filters by status and audience, searches drafts by words and keeps drafts out of the agents\' search', async () => {
    const tech = await app.as('agent1@demo.local');
    const write = async (body: Record<string, unknown>) => {
      const res = await tech.post('/api/kb/articles').send({ locale: 'zh-CN', ...body });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const publicDraft = await write({ title: '热水器点火失败的排查', body: '检查燃气阀门是否打开。', models: ['GH-200'] });
    const internalDraft = await write({ title: '热水器点火器更换步骤', body: '仅限工程师：拆下面板后更换点火针。', visibility: 'internal' });
    const published = await write({ title: '热水器打不着火怎么办', body: '先检查电池和燃气。', status: 'published', models: ['GH-200'] });

    // 热水器打不着火: words, not substrings; the drafts of the language, best first
    const drafts = await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', q: '热水器打不着火' });
    expect(drafts.status).toBe(200);
    expect(ids(drafts)).toEqual(expect.arrayContaining([publicDraft, internalDraft]));
    expect(ids(drafts)).not.toContain(published);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', visibility: 'internal', q: '热水器' }))).toEqual([internalDraft]);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', visibility: 'public' }))).toContain(publicDraft);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', visibility: 'public' }))).not.toContain(internalDraft);
    // by model, with and without words
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', model: 'gh-200' }))).toEqual([publicDraft]);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', model: 'GH-200', q: '热水器' }))).toEqual([publicDraft]);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'published', model: 'GH-200', q: '热水器' }))).toEqual([published]);
    // another language lists none of them
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'en', status: 'draft', q: '热水器' }))).toEqual([]);
    // drafts never reach the composer's search nor the public one
    expect(ids(await tech.get('/api/kb/search').query({ q: '热水器点火', locale: 'zh-CN' }))).not.toContain(publicDraft);
    expect(ids(await app.http().get('/api/help/search').query({ q: '热水器点火', locale: 'zh-CN' }))).not.toContain(publicDraft);

    // published, the draft leaves the drafts list and joins the published public one
    expect((await tech.put(`/api/kb/articles/${publicDraft}`).send({ status: 'published' })).status).toBe(200);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'draft', q: '热水器' }))).toEqual([internalDraft]);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'published', visibility: 'public', q: '热水器点火' }))).toContain(publicDraft);
    expect(ids(await tech.get('/api/kb/articles').query({ locale: 'zh-CN', status: 'published', visibility: 'internal', q: '热水器点火' }))).not.toContain(publicDraft);
  });

  it('previews Markdown as the help centre shows it, sanitised', async () => {
    const a2 = await app.as('agent2@demo.local');
    const res = await a2.post('/api/kb/preview').send({ body: '## 步骤\n\n1. **关闭**电源\n\n<script>alert(1)</script> [x](javascript:alert(1))' });
    expect(res.status).toBe(200);
    expect(res.body.html).toContain('<h2>步骤</h2>');
    expect(res.body.html).toContain('<strong>关闭</strong>');
    expect(res.body.html).not.toContain('<script');
    expect(res.body.html).not.toMatch(/href="javascript/i); // shown as text, never a link
    expect(res.body.html).toContain('&lt;script&gt;');
    expect((await app.http().post('/api/kb/preview').send({ body: 'x' })).status).toBe(401);
    expect((await a2.post('/api/kb/preview').send({ body: 'x', extra: 1 })).status).toBe(400);
  });
});
