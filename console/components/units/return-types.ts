import type { ReturnViewPayload } from '../../../src/modules/returns/return.payloads';

export type Return = ReturnViewPayload;
export type ReturnEvent = ReturnViewPayload['events'][number];

export const KINDS = ['return', 'exchange', 'repair'] as const;
export const REASON_CODES = ['performance_fault', 'damaged_on_arrival', 'wrong_or_incomplete', 'not_as_described', 'other'] as const;
