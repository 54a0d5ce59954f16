import type { Locale, T } from '../../i18n';
import type { TimelineEvent } from '../../../src/modules/tickets/timeline.events';
import { eventText } from '../../timeline-text';
import type { Return, ReturnEvent } from './return-types';

const TYPE = {
  request: 'return_requested', approve: 'return_approved', reject: 'return_rejected', receive: 'return_received', inspect: 'return_inspected',
  refund: 'return_refunded', replace: 'return_replaced', repair: 'return_repaired', close: 'return_closed',
} as const;

/** A step in a return's own history, in the reader's language: the same sentence as its line on the ticket's timeline (console/timeline-text.ts). */
export function returnEventText(t: T, locale: Locale, e: ReturnEvent, r: Return): string {
  const type = TYPE[e.type as keyof typeof TYPE];
  if (!type) return e.type;
  const data = { ...e.data, returnId: r.id, number: r.number, kind: r.kind, model: r.model, serial: r.serial, by: e.by.name, note: e.note ?? null };
  return eventText({ type, data } as TimelineEvent, e.type, t, locale);
}
