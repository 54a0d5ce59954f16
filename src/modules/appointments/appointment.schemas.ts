import { z } from 'zod';
import { teamKey } from '../../http/schema-types';
import { BOOKABLE_KINDS } from './appointment.service';

const isoInstant = z.iso.datetime({ offset: true }).describe('ISO 8601 instant');

export const slotsQuery = z.strictObject({
  team: teamKey.default('field'),
  from: isoInstant,
  to: isoInstant,
  model: z.string().min(1).max(64).optional().describe('the unit model the visit is for (shown back; every field engineer serves every model)'),
});

export const slotsResponse = z.object({
  team: z.string(),
  timeZone: z.string(),
  slotMinutes: z.number(),
  model: z.string().nullable(),
  slots: z.array(z.object({ start: z.string(), end: z.string(), capacity: z.number(), free: z.number() })),
});

export const bookBody = z.strictObject({
  slotStart: isoInstant,
  unitId: z.string().regex(/^[0-9a-f]{24}$/, 'a unit id'),
  kind: z.enum(BOOKABLE_KINDS),
  address: z.string().trim().min(1).max(500),
  note: z.string().max(2000).optional(),
});

export const rescheduleBody = z.strictObject({ slotStart: isoInstant });
export const appointmentParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{24}$/, 'an appointment id') });

export const appointmentView = z.object({
  id: z.string(),
  status: z.string(),
  kind: z.string(),
  unitId: z.string(),
  slotStart: z.string(),
  slotEnd: z.string(),
  ticketNumber: z.number().nullable(),
  workOrderId: z.string().nullable(),
  workOrderNumber: z.string().nullable(),
});
