export const CHANNELS = ['email', 'chat', 'voice', 'web', 'wechat', 'sms'] as const;
export const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TYPES = ['inquiry', 'fault', 'complaint', 'return', 'warranty'] as const;
export const ROLES = ['agent', 'supervisor', 'manager', 'director', 'admin'] as const;
export const LOCALES = ['en', 'zh-CN'] as const;

export type Channel = (typeof CHANNELS)[number];
export type TicketStatus = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type TicketType = (typeof TYPES)[number];
export type Role = (typeof ROLES)[number];
export type Locale = (typeof LOCALES)[number];

/** Statuses in which a ticket is live work, kept in the live queue index. */
export const LIVE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

export type ActorType = 'customer' | 'agent' | 'system';
export interface Actor {
  type: ActorType;
  id?: string;
  name: string;
}
export const SYSTEM: Actor = { type: 'system', name: 'Aftercare' };
