/**
 * Who publishes knowledge-base articles: technical support (members of team `tech`, who write the
 * FAQ, DOMAIN.md), supervisors, managers, directors and admins. Every agent writes drafts; only a
 * publisher makes an article published, or changes one that is published, so nothing reaches
 * customers without one of them. A leaf (no imports): the console shows its buttons by the same rule.
 */
const PUBLISHER_ROLES = ['supervisor', 'manager', 'director', 'admin'];
export const PUBLISHER_TEAM = 'tech';

export function canPublish(p: { role: string; teams: readonly string[] }): boolean {
  return PUBLISHER_ROLES.includes(p.role) || p.teams.includes(PUBLISHER_TEAM);
}
