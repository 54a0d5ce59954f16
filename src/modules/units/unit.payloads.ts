/** The units domain's wire shapes: plain leaves, checked against the zod views of unit.schemas.ts and imported type-only by the console. */

export type WarrantyStatus = 'in' | 'out';
export type Entitlement = 'return' | 'exchange' | 'repair' | 'paid_repair';

/** The warranty (三包) rule's answer for a unit now. */
export interface ComputedWarrantyPayload {
  status: WarrantyStatus;
  until: string | null;
  lastDay: string | null;
  daysSincePurchase: number | null;
  entitlement: Entitlement[];
  reason: { code: string; days: number | null; en: string; 'zh-CN': string };
}

/** The warranty as it stands: the rule's answer, or a decision of team warranty (`override`) with the rule's beside it. */
export interface WarrantyPayload extends ComputedWarrantyPayload {
  computed?: ComputedWarrantyPayload;
  override?: { status: WarrantyStatus; reason: string; by: { id: string; name: string }; at: string };
}

export interface UnitPayload {
  id: string;
  customerId: string;
  model: string;
  product: { name: { en: string; 'zh-CN': string }; category: string } | null;
  serial: string;
  purchaseDate: string | null;
  purchasedFrom: string | null;
  warranty: WarrantyPayload;
  tickets: number[];
  openReturnId: string | null;
  replaces: string | null;
  replacedBy: string | null;
  createdAt: string;
}
