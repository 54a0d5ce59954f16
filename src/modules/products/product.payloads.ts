/** The catalogue's wire shape (GET /api/products): a plain leaf, checked against `productView` and imported type-only by the console. */
export interface ProductPayload {
  model: string;
  name: { en: string; 'zh-CN': string };
  category: string;
  warrantyMonths: number;
  returnDays: number;
  exchangeDays: number;
  maintenance: { firstAfterMonths: number; everyMonths: number } | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}
