/** The signed-in agent as the console knows them, and the role questions the pages ask. */
import type { Locale } from './i18n';

export interface Me {
  id: string;
  name: string;
  email: string;
  role: string;
  teams: string[];
  locale: Locale;
}

/** Supervisors and above: dashboard, reports, escalations, reassigning. */
export const isLead = (me: Me) => ['supervisor', 'manager', 'director', 'admin'].includes(me.role);
/** Managers and admins change the department's rules (policies, calendars, teams, agents, hotline). */
export const isManager = (me: Me) => me.role === 'manager' || me.role === 'admin';
export const isAdmin = (me: Me) => me.role === 'admin';
/** See every team (managers, directors, admins). */
export const seesAllTeams = (me: Me) => ['manager', 'director', 'admin'].includes(me.role);
