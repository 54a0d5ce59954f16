import { z } from 'zod';
import type { AgentsClientPayload } from './agents.events';

/** The validation of every /agents client → server payload; typed against agents.events.ts, so the two cannot drift. */
export const agentsClientSchemas = {
  'presence:set': z.strictObject({ status: z.enum(['online', 'away', 'offline']) }) satisfies z.ZodType<AgentsClientPayload<'presence:set'>>,
  'ticket:join': z.strictObject({ ticketNumber: z.number().int().positive() }) satisfies z.ZodType<AgentsClientPayload<'ticket:join'>>,
  'ticket:leave': z.strictObject({ ticketNumber: z.number().int().positive() }) satisfies z.ZodType<AgentsClientPayload<'ticket:leave'>>,
  // not strict: the chat channel reads the same event to tell the visitor an agent is typing
  typing: z.object({ ticketNumber: z.number().int().positive(), typing: z.boolean().optional() }) satisfies z.ZodType<AgentsClientPayload<'typing'>>,
};
