import { SYSTEM } from '../../core/types';
import type { AgentModel } from '../agents/agent.model';
import type { PartService } from './parts.service';
import type { StockService } from './stock.service';
import { vanOf } from './stock.service';

/** The demo parts (prices in fen) for the demo models, with the stock at central and on engineer1's van. */
export const DEMO_PARTS = [
  { sku: 'AC-CAP-35', name: { en: 'Compressor start capacitor 35 µF', 'zh-CN': '压缩机启动电容 35µF' }, models: ['AC-3500'], price: 8500, central: 20, van: 3 },
  { sku: 'AC-FLT-01', name: { en: 'Air filter', 'zh-CN': '空气过滤网' }, models: ['AC-3500'], price: 3500, central: 40, van: 6, returnable: false },
  { sku: 'AC-GAS-R32', name: { en: 'Refrigerant R32 refill (1 kg)', 'zh-CN': 'R32 冷媒补充（1 公斤）' }, models: ['AC-3500'], price: 18000, central: 10, van: 2, returnable: false },
  { sku: 'WM-PMP-08', name: { en: 'Drain pump', 'zh-CN': '排水泵' }, models: ['WM-800'], price: 16800, central: 8, van: 1 },
  { sku: 'WM-SEAL-08', name: { en: 'Door seal (gasket)', 'zh-CN': '门封圈' }, models: ['WM-800'], price: 12000, central: 6, van: 1 },
  { sku: 'DW-HTR-06', name: { en: 'Heating element', 'zh-CN': '加热管' }, models: ['DW-600'], price: 22000, central: 5, van: 1 },
  { sku: 'DW-ARM-06', name: { en: 'Spray arm', 'zh-CN': '喷淋臂' }, models: ['DW-600'], price: 6800, central: 12, van: 2 },
];

export async function seedParts(c: { parts: PartService; stock: Pick<StockService, 'apply'>; Agent: AgentModel }): Promise<void> {
  const engineer = await c.Agent.findOne({ email: 'engineer1@demo.local' }, { _id: 1 }).lean();
  for (const { central, van, ...part } of DEMO_PARTS) {
    if (!(await c.parts.find(part.sku))) await c.parts.create(part);
    await c.stock.apply({ ref: `seed:receive:${part.sku}`, sku: part.sku, qty: central + van, reason: 'receive', to: { location: 'central', condition: 'new' }, note: 'opening stock', by: SYSTEM });
    if (engineer) await c.stock.apply({ ref: `seed:van:${part.sku}`, sku: part.sku, qty: van, reason: 'transfer', from: { location: 'central', condition: 'new' }, to: { location: vanOf(String(engineer._id)), condition: 'new' }, note: "engineer1's van", by: SYSTEM });
  }
}
