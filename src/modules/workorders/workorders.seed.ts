import { DateTime } from 'luxon';
import type { Container } from '../../container';
import { Principal } from '../auth/principal';
import type { Role } from '../tickets/ticket.types';
import type { WorkOrdersModule } from './workorders.module';

/**
 * The field-service part of the demo organisation (CONTRACT.md part 2): team `field` (现场服务/维修)
 * on the department's business hours, engineers engineer1 and engineer2, the supervisor leading
 * `field` too (managers, directors and admins list it among their teams as well). Outside tests
 * (which build their own), the AC fault ticket gets a work order on engineer1's next working
 * afternoon and a maintenance visit for another customer waits in the pool, so the dispatch board shows something.
 */
export async function seedWorkOrders(c: Container): Promise<void> {
  await c.teams.create({ key: 'field', name: 'Field service and repair', nameZh: '现场服务/维修', addresses: ['field@demo.local'], calendar: 'business-hours' });
  const pw = c.config.demoPassword;
  await c.agents.create({ name: 'Zhou Qiang (周强)', email: 'engineer1@demo.local', password: pw, role: 'engineer', teams: ['field'], locale: 'zh-CN', phone: '+86 139 0000 0101' });
  await c.agents.create({ name: 'Mark Evans', email: 'engineer2@demo.local', password: pw, role: 'engineer', teams: ['field'], phone: '+86 139 0000 0102' });
  await c.models.Agent.updateMany({ role: { $in: ['supervisor', 'manager', 'director', 'admin'] } }, { $addToSet: { teams: 'field' } });
  if (c.config.env !== 'test') await seedDemoWorkOrders(c);
}

async function seedDemoWorkOrders(c: Container): Promise<void> {
  const mod = c.modules.find((m) => m.name === 'workorders') as WorkOrdersModule | undefined;
  const sup = await c.models.Agent.findOne({ email: 'supervisor@demo.local' });
  const eng = await c.models.Agent.findOne({ email: 'engineer1@demo.local' });
  const ac = await c.models.Ticket.findOne({ subject: /E4/ });
  const filter = await c.models.Ticket.findOne({ subject: /Spare filter/ });
  if (!mod || !sup || !eng || !ac || !filter) return;
  const dispatcher = new Principal(String(sup._id), sup.name, sup.email, sup.role as Role, [...sup.teams], sup.locale, 'seed');
  // 14:00–16:00 Shanghai on the next weekday from now
  let day = DateTime.fromJSDate(c.clock.now(), { zone: 'Asia/Shanghai' }).plus({ days: 1 }).startOf('day');
  while (day.weekday > 5) day = day.plus({ days: 1 });
  const start = day.set({ hour: 14 }).toJSDate();
  const window = { start, end: new Date(start.getTime() + 2 * 3600_000) };
  await mod.workOrders.create(ac.number, { kind: 'repair', description: '空调不制冷，面板显示 E4：检查冷媒与启动电容', address: '上海市浦东新区世纪大道 100 号 12 楼 1203 室', engineer: String(eng._id), window }, dispatcher);
  await mod.workOrders.create(filter.number, { kind: 'maintenance', description: 'Outdoor unit cleaning and a new filter (室外机清洗保养)', address: '88 Huaihai Road, Xuhui, Shanghai' }, dispatcher);
}
