import { SYSTEM } from '../../core/types';
import type { Clock } from '../../infra/clock';
import type { AgentService } from '../agents/agent.service';
import type { CustomerService } from '../customers/customer.service';
import type { ProductService } from '../products/product.service';
import type { TeamService } from '../teams/team.service';
import type { TicketModel } from '../tickets/ticket.model';
import type { TicketUpdates } from '../tickets/ticket.updates';
import type { UnitService } from './unit.service';

const DAY = 24 * 3600 * 1000;

/** The demo catalogue of CONTRACT.md part 2: the models on demo customers and a dishwasher. */
export const DEMO_PRODUCTS = [
  { model: 'AC-3500', name: { en: 'AC-3500 air conditioner', 'zh-CN': 'AC-3500 空调' }, category: 'air conditioning', warrantyMonths: 12, returnDays: 7, exchangeDays: 15, maintenance: { firstAfterMonths: 6, everyMonths: 12 } },
  { model: 'WM-800', name: { en: 'WM-800 Washer', 'zh-CN': 'WM-800 洗衣机' }, category: 'laundry', warrantyMonths: 24, returnDays: 7, exchangeDays: 15, maintenance: null },
  { model: 'DW-600', name: { en: 'DW-600 Dishwasher', 'zh-CN': 'DW-600 洗碗机' }, category: 'kitchen', warrantyMonths: 24, returnDays: 7, exchangeDays: 15, maintenance: { firstAfterMonths: 12, everyMonths: 12 } },
];

export async function seedCatalogue(products: ProductService): Promise<void> {
  for (const p of DEMO_PRODUCTS) if (!(await products.find(p.model))) await products.create(p);
}

/**
 * Demo additions of the units domain: team `warranty` (三包) and its technician
 * `warranty@demo.local` (also in `returns`), the catalogue, and the demo customers' units linked
 * to their tickets. Runs after the demo tickets exist.
 */
export interface UnitsSeedDeps {
  teams: Pick<TeamService, 'create'>;
  agents: Pick<AgentService, 'create'>;
  customers: Pick<CustomerService, 'findByContact'>;
  Ticket: TicketModel;
  updates: Pick<TicketUpdates, 'update'>;
  products: ProductService;
  units: UnitService;
  clock: Clock;
  demoPassword: string;
}

export async function seedUnits(c: UnitsSeedDeps): Promise<void> {
  const { products, units } = c;
  await c.teams.create({ key: 'warranty', name: 'Warranty (three guarantees)', nameZh: '三包' });
  await c.agents.create({ name: 'Zhou Qiang (周强)', email: 'warranty@demo.local', password: c.demoPassword, role: 'agent', teams: ['warranty', 'returns'], locale: 'zh-CN' });
  await seedCatalogue(products);

  const now = c.clock.now().getTime();
  const owned = [
    { email: 'zhang.wei@example.cn', model: 'AC-3500', serial: 'AC35-2024-001982', purchaseDate: new Date(now - 200 * DAY), purchasedFrom: '苏宁易购 南京新街口店' },
    { email: 'emma.clarke@example.com', model: 'WM-800', serial: 'WM8-2021-77310', purchaseDate: new Date(now - 900 * DAY), purchasedFrom: 'John Lewis, Oxford Street' },
    { email: 'liu.fang@example.cn', model: 'DW-600', serial: 'DW6-2025-004417', purchaseDate: new Date(now - 1 * DAY), purchasedFrom: '京东自营' },
    { email: 'tom.becker@example.org', model: 'DW-600', serial: 'DW6-2025-003120', purchaseDate: new Date(now - 6 * DAY), purchasedFrom: 'Online shop' },
  ];
  for (const o of owned) {
    const customer = await c.customers.findByContact({ email: o.email });
    if (!customer) continue;
    const unit = await units.register(customer._id, o, SYSTEM);
    // the demo tickets of this customer are about this unit
    const tickets = await c.Ticket.find({ customerId: customer._id }, { number: 1 }).lean();
    for (const t of tickets) {
      const linked = await c.updates.update(t.number, { unit: { id: unit._id, customerId: customer._id, model: unit.model, serial: unit.serial } }, null, SYSTEM);
      await units.noteTicket(unit._id, linked.number);
    }
  }
}
