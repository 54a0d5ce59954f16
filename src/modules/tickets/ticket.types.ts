/** The ticket's own vocabulary: statuses, priorities and types (shared names live in src/core/types.ts). */
export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TYPES = ['inquiry', 'fault', 'complaint', 'return', 'warranty'] as const;

export type TicketStatus = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type TicketType = (typeof TYPES)[number];

/** Statuses in which a ticket is live work, kept in the live queue index. */
export const LIVE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
export const isLiveStatus = (status: string): boolean => (LIVE_STATUSES as readonly string[]).includes(status);
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
