import type { Container } from '../main/container';
import { SYSTEM } from '../core/types';
import { seedSla } from '../modules/sla/sla.seed';
import { seedCannedResponses } from '../modules/canned/canned.model';
import { seedDemoHistory } from './demo-history';
import type { AppModule } from '../modules/app-module';
import type { ProductsModule } from '../modules/products/products.module';
import type { UnitsModule } from '../modules/units/units.module';
import { seedUnits } from '../modules/units/units.seed';
import type { WorkOrdersModule } from '../modules/workorders/workorders.module';
import { seedWorkOrders } from '../modules/workorders/workorders.seed';
import type { PartsModule } from '../modules/parts/parts.module';
import { seedParts } from '../modules/parts/parts.seed';
import type { KbModule } from '../modules/kb/kb.module';
import { seedKnowledgeBase } from '../modules/kb/kb.seed';

const DAY = 24 * 3600 * 1000;

/**
 * The demo organisation of CONTRACT.md, created once on an empty database. A unique counter row
 * is the lock, so several API processes starting together seed once.
 */
export async function seedDemo(c: Container): Promise<boolean> {
  if (await c.models.Agent.exists({})) return false;
  try {
    await c.models.Counter.create({ _id: 'seed-demo', seq: 1 });
  } catch {
    return false;
  }
  const pw = c.config.demoPassword;
  for (const t of [
    { key: 'support', name: 'Customer support', nameZh: '客户服务', addresses: ['support@demo.local'] },
    { key: 'tech', name: 'Technical support', nameZh: '技术支持', addresses: ['tech@demo.local'] },
    { key: 'complaints', name: 'Customer relations (complaints)', nameZh: '客户关系（投诉）', addresses: ['complaints@demo.local'] },
    { key: 'returns', name: 'Returns and exchanges', nameZh: '物流/退换货', addresses: ['returns@demo.local'] },
  ]) {
    await c.teams.create(t);
  }
  await seedSla(c); // business hours and SLA policies, before the demo tickets arrive
  const all = ['support', 'tech', 'complaints', 'returns'];
  await c.agents.create({ name: 'Admin', email: 'admin@demo.local', password: pw, role: 'admin', teams: all });
  await c.agents.create({ name: 'Wang Min (王敏)', email: 'manager@demo.local', password: pw, role: 'manager', teams: all, locale: 'zh-CN' });
  await c.agents.create({ name: 'Zhao Lei (赵磊)', email: 'director@demo.local', password: pw, role: 'director', teams: all, locale: 'zh-CN' });
  await c.agents.create({ name: 'Li Na (李娜)', email: 'supervisor@demo.local', password: pw, role: 'supervisor', teams: ['support', 'tech'], locale: 'zh-CN' });
  await c.agents.create({ name: 'Chen Jie (陈杰)', email: 'agent1@demo.local', password: pw, role: 'agent', teams: ['support', 'tech'] });
  await c.agents.create({ name: 'Sarah Miller', email: 'agent2@demo.local', password: pw, role: 'agent', teams: ['complaints', 'returns'] });

  await c.customers.findOrCreate({ name: '张伟', email: 'zhang.wei@example.cn', phone: '+86 138 0013 8000', locale: 'zh-CN' });
  await c.customers.findOrCreate({ name: 'Emma Clarke', email: 'emma.clarke@example.com', phone: '+44 20 7946 0018', locale: 'en' });

  const demo: Parameters<Container['tickets']['create']>[0][] = [
    { channel: 'email', subject: '空调不制冷，显示E4故障码', team: 'tech', type: 'fault', priority: 'high', customer: { name: '张伟', email: 'zhang.wei@example.cn' }, product: { model: 'AC-3500 空调', serial: 'AC35-2024-001982' }, message: { channel: 'email', body: '您好，我家的AC-3500空调从昨天开始不制冷，面板显示E4。已经断电重启过，还是一样。请尽快安排维修。', author: { type: 'customer', name: '张伟' } } },
    { channel: 'voice', subject: 'Washer leaking after repair visit', team: 'complaints', type: 'complaint', priority: 'urgent', customer: { name: 'Emma Clarke', phone: '+44 20 7946 0018' }, product: { model: 'WM-800 Washer', serial: 'WM8-2021-77310' }, message: { channel: 'voice', body: 'Customer called: the engineer visited on Monday, the washer is leaking again and the kitchen floor is flooded. Very unhappy, asks for a manager.', author: { type: 'customer', name: 'Emma Clarke' } } },
    { channel: 'chat', subject: 'How do I register my warranty?', team: 'support', type: 'inquiry', customer: { name: 'Tom Becker', email: 'tom.becker@example.org' }, message: { channel: 'chat', body: 'Hi, I bought a dishwasher last week. How do I register the warranty online?', author: { type: 'customer', name: 'Tom Becker' } } },
    { channel: 'email', subject: '申请退货：收到的洗碗机外壳有划痕', team: 'returns', type: 'return', customer: { name: '刘芳', email: 'liu.fang@example.cn', locale: 'zh-CN' }, message: { channel: 'email', body: '今天收到洗碗机，外壳右侧有明显划痕，要求换货或退货。附件是照片。', author: { type: 'customer', name: '刘芳' } } },
    { channel: 'web', subject: 'Spare filter for AC-3500', team: 'support', type: 'inquiry', customer: { name: 'Raj Patel', email: 'raj.patel@example.com' }, message: { channel: 'web', body: 'Where can I buy a replacement filter for the AC-3500?', author: { type: 'customer', name: 'Raj Patel' } } },
  ];
  for (const t of demo) await c.tickets.create(t, SYSTEM);
  const mod = <M extends AppModule>(name: string) => c.modules.find((m) => m.name === name) as M;
  const base = { teams: c.teams, agents: c.agents, Ticket: c.models.Ticket, clock: c.clock, demoPassword: pw };
  // team warranty, its login, the catalogue, the customers' units linked to their tickets
  await seedUnits({ ...base, customers: c.customers, updates: c.updates, products: mod<ProductsModule>('products').products, units: mod<UnitsModule>('units').units });
  // team field, the engineers, and outside tests a work order on the board and one in the pool
  await seedWorkOrders({ ...base, Agent: c.models.Agent, workOrders: mod<WorkOrdersModule>('workorders').workOrders, withSamples: c.config.env !== 'test' });
  // the parts of the demo models in stock at central and on engineer1's van
  await seedParts({ ...mod<PartsModule>('parts'), Agent: c.models.Agent });
  await seedCannedResponses(c.conn);
  const kb = c.modules.find((m): m is KbModule => m.name === 'kb');
  if (kb) await seedKnowledgeBase(kb.kb);
  // a month of past tickets for the report charts; tests build their own history, so they skip it
  if (c.config.env !== 'test') await seedDemoHistory(c);
  await c.auth.agentsChanged(); // the work-order seed gave the leads team field in one updateMany
  c.log.info('demo organisation seeded');
  return true;
}
