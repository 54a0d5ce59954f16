import { startTestApp, TestApp } from '../helpers/harness';

/**
 * Queries written as customers and agents ask, unlike the titles of the demo articles: each must
 * find its article among the first three, through the real index (Redis) and analysis (jieba).
 */
const QUERIES: [query: string, locale: 'en' | 'zh-CN', expectedTitle: string][] = [
  ['空调不制冷怎么办', 'zh-CN', '空调制冷效果差的排查方法'],
  ['空调吹出来的风不凉', 'zh-CN', '空调制冷效果差的排查方法'],
  ['冷气机制冷慢', 'zh-CN', '空调制冷效果差的排查方法'],
  ['空调显示E4', 'zh-CN', 'AC-3500 显示 E4 故障代码怎么办'],
  ['ＡＣ－３５００ 报错 Ｅ４', 'zh-CN', 'AC-3500 显示 E4 故障代码怎么办'],
  ['过滤网怎么洗', 'zh-CN', '空调滤网的清洗方法'],
  ['空调内机漏水', 'zh-CN', '空调室内机滴水的原因与处理'],
  ['洗衣机底下有水', 'zh-CN', '洗衣机漏水的检查与处理'],
  ['滚筒洗衣机渗水', 'zh-CN', '洗衣机漏水的检查与处理'],
  ['洗衣机排水慢', 'zh-CN', '洗衣机不排水或排水慢'],
  ['洗衣机排不出水', 'zh-CN', '洗衣机不排水或排水慢'],
  ['洗衣机甩干的时候抖得厉害', 'zh-CN', '洗衣机脱水时震动和噪音大'],
  ['洗衣机异响', 'zh-CN', '洗衣机脱水时震动和噪音大'],
  ['洗碗机碗洗不干净', 'zh-CN', '洗碗机洗不干净怎么办'],
  ['洗碗机里面有积水', 'zh-CN', '洗碗机底部积水、不排水'],
  ['三包保修怎么登记', 'zh-CN', '如何登记保修'],
  ['空调装机要准备什么', 'zh-CN', '空调安装前需要准备什么'],
  ['洗衣机门打不开', 'zh-CN', '洗衣机无法启动或门打不开'],
  ['洗衣机开不了机', 'zh-CN', '洗衣机无法启动或门打不开'],
  ['my air conditioner is not cooling', 'en', 'Air conditioner cooling poorly: what to check'],
  ['AC blows warm air', 'en', 'Air conditioner cooling poorly: what to check'],
  ['ac-3500 error e4', 'en', 'AC-3500 shows error code E4'],
  ['AC3500 fault code E4', 'en', 'AC-3500 shows error code E4'],
  ['cleaning the filters of my aircon', 'en', 'How to clean the air conditioner filter'],
  ['indoor unit leaking', 'en', 'Water dripping from the indoor unit'],
  ['puddle under my washing machine', 'en', 'Washing machine leaking water'],
  ['washer is leaking', 'en', 'Washing machine leaking water'],
  ['washing machine not draining', 'en', "Washer won't drain or drains slowly"],
  ['water left in the drum of my WM-800', 'en', "Washer won't drain or drains slowly"],
  ['washer shaking loud noise', 'en', 'Washer vibrates and is noisy during the spin'],
  ['dishes still dirty after the dishwasher', 'en', 'Dishwasher does not clean the dishes well'],
  ["dishwasher won't drain", 'en', 'Dishwasher not draining: water left at the bottom'],
  ['register guarantee', 'en', 'How to register your warranty'],
  ['installing an air conditioning unit', 'en', 'Preparing for the air conditioner installation'],
  ['washing machine door locked', 'en', "Washer won't start or the door won't open"],
];

describe('knowledge base search (demo articles, real index)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ workers: false });
  }, 60000);
  afterAll(async () => app?.close());

  it.each(QUERIES)('%s (%s) finds "%s" in the top 3 of the public search', async (q, locale, title) => {
    const res = await app.http().get('/api/help/search').query({ q, locale });
    expect(res.status).toBe(200);
    const titles = (res.body.items as { title: string }[]).map((i) => i.title);
    expect(titles.slice(0, 3)).toContain(title);
  });

  it('agents find the same through /api/kb/search, and a hit comes with an escaped, marked snippet', async () => {
    const a1 = await app.as('agent1@demo.local');
    const res = await a1.get('/api/kb/search').query({ q: '空调不制冷怎么办', locale: 'zh-CN' });
    expect(res.status).toBe(200);
    const top = res.body.items[0];
    expect(top.title).toBe('空调制冷效果差的排查方法');
    expect(top).toEqual(expect.objectContaining({ id: expect.any(String), slug: expect.any(String), score: expect.any(Number) }));
    expect(top.snippet).toMatch(/<mark>[^<]+<\/mark>/);
    expect(top.snippet).not.toMatch(/<(?!\/?mark>)/);
  });

  it('a query with no word of any article finds nothing, and bad input is a 400 with the error shape', async () => {
    const none = await app.http().get('/api/help/search').query({ q: 'zzqx', locale: 'en' });
    expect(none.body.items).toEqual([]);
    const bad = await app.http().get('/api/help/search').query({ q: '', locale: 'fr' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual(expect.objectContaining({ code: 'validation_failed', message: expect.any(String) }));
  });
});
