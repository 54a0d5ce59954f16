import { DateTime } from 'luxon';
import type { Role } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { AgentModel } from '../agents/agent.model';
import type { AgentService } from '../agents/agent.service';
import { Principal } from '../auth/principal';
import type { TeamService } from '../teams/team.service';
import type { TicketModel } from '../tickets/ticket.model';
import type { WorkOrderService } from './workorders.service';

export interface WorkOrdersSeedDeps {
  teams: Pick<TeamService, 'create'>;
  agents: Pick<AgentService, 'create'>;
  Agent: AgentModel;
  Ticket: TicketModel;
  workOrders: Pick<WorkOrderService, 'create'>;
  clock: Clock;
  demoPassword: string;
  /** the demo's sample work orders are left out under test, which builds its own */
  withSamples: boolean;
}

/**
 * The field-service part of the demo organisation (CONTRACT.md part 2): team `field` (现场服务/维修)
 * on the department's business hours, engineers engineer1 and engineer2, the supervisor leading
 * `field` too (managers, directors and admins list it among their teams as well). Outside tests
 * (which build their own), the AC fault ticket gets a work order on engineer1's next working
 * afternoon and a maintenance visit for another customer waits in the pool, so the dispatch board shows something.
 */
export async function seedWorkOrders(c: WorkOrdersSeedDeps): Promise<void> {
  await c.teams.create({ key: 'field', name: 'Field service and repair', nameZh: '现场服务/维修', addresses: ['field@demo.local'], calendar: 'business-hours' });
  const pw = c.demoPassword;
  await c.agents.create({ name: 'Zhou Qiang (周强)', email: 'engineer1@demo.local', password: pw, role: 'engineer', teams: ['field'], locale: 'zh-CN', phone: '+86 139 0000 0101' });
  await c.agents.create({ name: 'Mark Evans', email: 'engineer2@demo.local', password: pw, role: 'engineer', teams: ['field'], phone: '+86 139 0000 0102' });
  await c.Agent.updateMany({ role: { $in: ['supervisor', 'manager', 'director', 'admin'] } }, { $addToSet: { teams: 'field' } });
  if (c.withSamples) await seedDemoWorkOrders(c);
}

async function seedDemoWorkOrders(c: WorkOrdersSeedDeps): Promise<void> {
  const sup = await c.Agent.findOne({ email: 'supervisor@demo.local' });
  const eng = await c.Agent.findOne({ email: 'engineer1@demo.local' });
  const ac = await c.Ticket.findOne({ subject: /E4/ });
  const filter = await c.Ticket.findOne({ subject: /Spare filter/ });
  if (!sup || !eng || !ac || !filter) return;
  const dispatcher = new Principal(String(sup._id), sup.name, sup.email, sup.role as Role, [...sup.teams], sup.locale, 'seed');
  // 14:00–16:00 Shanghai on the next weekday from now
  let day = DateTime.fromJSDate(c.clock.now(), { zone: 'Asia/Shanghai' }).plus({ days: 1 }).startOf('day');
  while (day.weekday > 5) day = day.plus({ days: 1 });
  const start = day.set({ hour: 14 }).toJSDate();
  const window = { start, end: new Date(start.getTime() + 2 * 3600_000) };
  await c.workOrders.create(ac.number, { kind: 'repair', description: '空调不制冷，面板显示 E4：检查冷媒与启动电容', address: '上海市浦东新区世纪大道 100 号 12 楼 1203 室', engineer: String(eng._id), window }, dispatcher);
  await c.workOrders.create(filter.number, { kind: 'maintenance', description: 'Outdoor unit cleaning and a new filter (室外机清洗保养)', address: '88 Huaihai Road, Xuhui, Shanghai' }, dispatcher);
}
