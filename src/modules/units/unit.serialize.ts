import type { ProductDoc } from '../products/product.model';
import type { UnitDoc } from './unit.model';
import type { UnitView } from './unit.schemas';
import type { Warranty } from './warranty';

export function serializeUnit(u: UnitDoc, warranty: Warranty, product: ProductDoc | null | undefined): UnitView {
  return {
    id: String(u._id),
    customerId: String(u.customerId),
    model: u.model,
    product: product ? { name: { en: product.name.en, 'zh-CN': product.name['zh-CN'] }, category: product.category } : null,
    serial: u.serial,
    purchaseDate: u.purchaseDate ? u.purchaseDate.toISOString() : null,
    purchasedFrom: u.purchasedFrom ?? null,
    warranty,
    tickets: [...u.tickets],
    openReturnId: u.openReturnId ? String(u.openReturnId) : null,
    replaces: u.replaces ? String(u.replaces) : null,
    replacedBy: u.replacedBy ? String(u.replacedBy) : null,
    createdAt: u.createdAt.toISOString(),
  };
}
