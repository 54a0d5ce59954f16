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

/** What every `quote_*` line on a ticket's timeline carries (quote.service.ts). */
export interface QuoteTimelineData {
  quoteId: string;
  number: string;
  /** integer fen, and as written for readers (¥368.00) */
  total: number;
  totalText: string;
  by: string | null;
  reference?: string | null;
}
