/**
 * The vocabulary every module and channel shares: channels, roles and who may do what, locales,
 * and who acted. A leaf: it imports nothing, so the console and the widget may import it too.
 */

export const CHANNELS = ['email', 'chat', 'voice', 'web', 'wechat', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

export const ROLES = ['agent', 'engineer', 'supervisor', 'manager', 'director', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The role sets the access rules are written in; the one place that says who is a lead or a manager. */
export const ROLE_SETS = {
  /** see and work every team; may be assigned a ticket of any team */
  allTeams: ['manager', 'director', 'admin'],
  /** team leads and above: dashboard, reports, acknowledging escalations, team canned responses */
  leads: ['supervisor', 'manager', 'director', 'admin'],
  /** edit the department's rules: SLA policies, calendars */
  managers: ['manager', 'admin'],
  /** the front line: offered chats and rung for calls */
  frontLine: ['agent', 'supervisor'],
  admins: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export function hasRole(role: string, set: readonly Role[]): boolean {
  return (set as readonly string[]).includes(role);
}

export type ActorType = 'customer' | 'agent' | 'system';
/** Who did something: a customer, an agent, or the system itself. */
export interface Actor {
  type: ActorType;
  id?: string;
  name: string;
}
export const SYSTEM: Actor = { type: 'system', name: 'Aftercare' };
