/** The quotes domain's socket payload on /agents (a leaf of plain types). */
export interface QuotePayload {
  id: string;
  number: string;
  ticketNumber: number;
  status: string;
  total: number;
  currency: 'CNY';
  workOrderId: string | null;
}
