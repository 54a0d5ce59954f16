import { z } from 'zod';
import { email, teamKey } from '../../http/schema-types';

/** The longest chat message a visitor may send, in characters. */
export const MAX_MESSAGE_CHARS = 5000;

const name = z.string().trim().max(200);
const phone = z.string().trim().min(3).max(40).regex(/^[+\d][\d\s()./-]*$/, 'not a phone number');
const clientId = z.string().min(1).max(100).regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits and _:.- only');

export const chatAuthSchema = z.strictObject({
  name: name.optional(),
  email: z.union([email(), z.literal('')]).optional(),
  phone: z.union([phone, z.literal('')]).optional(),
  visitorToken: z.string().max(200).optional(),
  lastMessageId: z.string().max(64).optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
  team: teamKey.optional(),
});

export const sendSchema = z
  .strictObject({
    body: z.string().trim(),
    clientId: clientId.optional(),
    attachments: z.array(z.string().regex(/^[a-f0-9]{24}$/, 'an upload id')).max(10).optional(),
  })
  .refine((p) => p.body.length > 0 || !!p.attachments?.length, { path: ['body'], message: 'message is empty' });

export const typingSchema = z.strictObject({ typing: z.boolean() });

export const offlineSchema = z.strictObject({
  name: name.min(1),
  email: email(),
  phone: phone.optional(),
  body: z.string().trim().min(1).max(MAX_MESSAGE_CHARS),
  clientId: clientId.optional(),
  team: teamKey.optional(),
  locale: z.enum(['en', 'zh-CN']).optional(),
});

export const endSchema = z.strictObject({
  transcript: z.boolean().optional(),
  email: email().optional(),
});

export const verifySchema = z.strictObject({ email: email() });
export const confirmSchema = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'six digits') });

export const rateSchema = z.strictObject({
  score: z.number().int().min(1).max(5),
  comment: z.string().trim().max(2000).optional(),
});

export const callbackSchema = z.strictObject({
  phone,
  at: z.iso.datetime({ offset: true }).optional(),
});

export const availabilityQuery = z.strictObject({ team: teamKey.optional() });
export const offlineResult = z.object({ ticketNumber: z.number() });
