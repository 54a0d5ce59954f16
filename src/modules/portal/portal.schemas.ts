import { z } from 'zod';
import { documented, email } from '../../http/schema-types';

const loose = (description: string) => documented(z.unknown(), { type: 'string', description }).optional();

export const langQuery = z.looseObject({ lang: loose('en or zh-CN: the page in that language (the switch)') });

export const statusTokenParams = z.strictObject({ token: z.string().max(512).describe('the signed status token from the mail') });
export const statusReportParams = z.strictObject({ token: z.string().max(512), id: z.string().regex(/^[0-9a-f]{24}$/, 'a work order id') });

export const portalLoginBody = z.strictObject({ email: email(), locale: z.enum(['en', 'zh-CN']).optional() });
export const accepted = z.object({ status: z.literal('accepted') });

export const magicParams = z.strictObject({ token: z.string().max(128).describe('the one-time sign-in token from the mail') });

/** Form posts of the portal: loose on purpose, a bad value is answered with the form and a message, not a JSON error. */
export const formBody = z.looseObject({ _csrf: loose('the form token of the session (CSRF protection)') });
export const registerQuery = z.looseObject({ model: loose('model from the QR code on the label'), serial: loose('serial number from the label'), lang: loose('en or zh-CN') });
export const ticketParams = z.strictObject({ number: z.string().regex(/^\d{1,12}$/, 'a ticket number') });
export const unitParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{24}$/, 'a unit id') });
export const workOrderParams = z.strictObject({ id: z.string().regex(/^[0-9a-f]{24}$/, 'a work order id') });
export const bookQuery = z.looseObject({ unit: loose('the unit to book a visit for'), lang: loose('en or zh-CN'), t: loose('a booking link token of a maintenance reminder') });
