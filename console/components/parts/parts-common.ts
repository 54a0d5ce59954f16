import type { T } from '../../i18n';
import type { MovePayload, OldPartPayload, PartPayload, StockRowPayload } from '../../../src/modules/parts/parts.payloads';

/** The server's own wire shapes (type-only imports of its leaf). */
export type Part = PartPayload;
export type StockRow = StockRowPayload;
export type Move = MovePayload;
export type OldPart = OldPartPayload;
export interface Engineer {
  id: string;
  name: string;
}

/** ¥1,234.50 from 123450 fen, in integers (no floating point on money). */
export function fenText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}¥${Math.trunc(a / 100).toLocaleString('en-US')}.${String(a % 100).padStart(2, '0')}`;
}

/** A location in words: central, an engineer's van by name, a service point. */
export function placeText(t: T, location: string, engineers: Engineer[]): string {
  if (location === 'central') return t('parts.loc.central');
  if (location.startsWith('engineer:')) {
    const id = location.slice(9);
    return t('parts.loc.van', { name: engineers.find((e) => e.id === id)?.name ?? id.slice(-6) });
  }
  return t('parts.loc.point', { key: location.slice(6) });
}

export const newRef = (kind: string) => `console-${kind}-${crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`}`;
/** Same rule as the server's canKeepStore: leads and managers, and the returns and warranty teams. */
export const keepsStore = (me: { role: string; teams: readonly string[] }) => ['supervisor', 'manager', 'director', 'admin'].includes(me.role) || (me.role === 'agent' && me.teams.some((t) => t === 'returns' || t === 'warranty'));
