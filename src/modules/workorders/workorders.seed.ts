import type { Container } from '../../container';

/**
 * The field-service part of the demo organisation (CONTRACT.md part 2): team `field` (现场服务/维修)
 * on the department's business hours, engineers engineer1 and engineer2, the supervisor leading
 * `field` too (managers, directors and admins list it among their teams as well).
 */
export async function seedWorkOrders(c: Container): Promise<void> {
  await c.teams.create({ key: 'field', name: 'Field service and repair', nameZh: '现场服务/维修', addresses: ['field@demo.local'], calendar: 'business-hours' });
  const pw = c.config.demoPassword;
  await c.agents.create({ name: 'Zhou Qiang (周强)', email: 'engineer1@demo.local', password: pw, role: 'engineer', teams: ['field'], locale: 'zh-CN', phone: '+86 139 0000 0101' });
  await c.agents.create({ name: 'Mark Evans', email: 'engineer2@demo.local', password: pw, role: 'engineer', teams: ['field'], phone: '+86 139 0000 0102' });
  await c.models.Agent.updateMany({ role: { $in: ['supervisor', 'manager', 'director', 'admin'] } }, { $addToSet: { teams: 'field' } });
}
