/**
 * What GET /api/reports/product-quality answers about returns and exchanges, as plain types: the
 * console reads them without reaching server code (the zod schema in report.schemas.ts is checked
 * against these by the compiler).
 */
export interface ReturnsByModel {
  model: string;
  total: number;
  kinds: { return: number; exchange: number; repair: number };
  outcomes: { refund: number; replace: number; repair: number; rejected: number; open: number };
  reasons: { code: string; count: number }[];
  examples: { number: string; ticketNumber: number; kind: string; reasonCode: string; reason: string; serial: string; createdAt: string }[];
}

export interface ReturnsByModelReport {
  total: number;
  models: ReturnsByModel[];
}
