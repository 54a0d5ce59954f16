/** The department's teams, read once per page load: pages show a team's name in the reader's language, never its key. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import type { Locale } from './i18n';

export interface TeamInfo {
  key: string;
  name: string;
  nameZh: string;
  addresses: string[];
  assignment: string;
  calendar: string | null;
  active: boolean;
}

let cache: Promise<TeamInfo[]> | null = null;
const listeners = new Set<(t: TeamInfo[]) => void>();

export function loadTeams(fresh = false): Promise<TeamInfo[]> {
  if (!cache || fresh) {
    cache = api<{ teams: TeamInfo[] }>('/api/teams').then((r) => r.teams);
    cache.then((t) => listeners.forEach((l) => l(t))).catch(() => (cache = null));
  }
  return cache;
}

export function useTeams(): TeamInfo[] {
  const [teams, setTeams] = useState<TeamInfo[]>([]);
  useEffect(() => {
    listeners.add(setTeams);
    loadTeams().then(setTeams).catch(() => undefined);
    return () => void listeners.delete(setTeams);
  }, []);
  return teams;
}

/** A team's name in the language; the key when the team is unknown (deleted, not loaded yet). */
export function teamName(teams: TeamInfo[], key: string | null | undefined, locale: Locale): string {
  if (!key) return '';
  const t = teams.find((x) => x.key === key);
  if (!t) return key;
  return locale === 'zh-CN' && t.nameZh ? t.nameZh : t.name;
}
