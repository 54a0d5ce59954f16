import type { T } from '../../i18n';
import { yuan } from './units-common';

const TYPE: Record<string, string> = {
  request: 'return_requested', approve: 'return_approved', reject: 'return_rejected', receive: 'return_received', inspect: 'return_inspected',
  refund: 'return_refunded', replace: 'return_replaced', repair: 'return_repaired', close: 'return_closed',
};

/** A return step in the reader's language, from its type and data (the ticket timeline uses the same keys). */
export function returnEventText(t: T, e: { type: string; by: { name: string }; data: Record<string, unknown> }, r: { number: string; kind: string; model: string; serial: string }): string {
  return timelineText(t, TYPE[e.type] ?? e.type, { ...e.data, by: e.by.name, number: r.number, kind: r.kind, model: r.model, serial: r.serial }) ?? e.type;
}

/** Timeline events of returns (`return_*`) rendered from their data; null for other types. */
export function timelineText(t: T, type: string, data: Record<string, unknown> | null): string | null {
  if (!type.startsWith('return_') || !data) return null;
  const key = `event.${type}`;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(data)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  if (typeof data.kind === 'string') vars.kind = t(`returns.kind.${data.kind}`).toLowerCase();
  if (typeof data.amount === 'number') vars.amount = yuan(data.amount);
  const text = t(key, vars);
  return text === key ? null : text;
}
