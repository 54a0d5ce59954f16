import type { ReturnView } from '../../../src/modules/returns/return.schemas';

export type Return = ReturnView;
export type ReturnEvent = ReturnView['events'][number];

export const KINDS = ['return', 'exchange', 'repair'] as const;
export const REASON_CODES = ['performance_fault', 'damaged_on_arrival', 'wrong_or_incomplete', 'not_as_described', 'other'] as const;
