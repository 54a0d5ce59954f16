import { z } from 'zod';
import { documented, intParam, intParamWithDefault, teamKey } from '../../http/schema-types';
import { SURVEY_STATUSES } from './survey.model';

export const surveyTokenParams = z.strictObject({ token: z.string().describe('the signed survey token from the link') });

/** The page's own query: `?score=N` preselects a score chosen in the mail (still records nothing). */
export const surveyPageQuery = z.looseObject({ score: documented(z.unknown(), { type: 'string', description: 'a score chosen in the mail, preselected (1 to 5; anything else is ignored)' }).optional() });

/**
 * The form as posted. Deliberately loose: a bad value is answered with the form page and a 400,
 * not a JSON error, since a customer's browser posted it.
 */
export const surveyAnswerBody = z.looseObject({
  score: documented(z.unknown(), { type: 'string', description: '1 to 5' }).optional(),
  comment: documented(z.unknown(), { type: 'string', description: 'optional, at most 2000 characters' }).optional(),
});

export const listSurveysQuery = z.strictObject({
  ticket: intParam({ min: 1, max: Number.MAX_SAFE_INTEGER }).optional(),
  status: z.enum(SURVEY_STATUSES).optional(),
  team: teamKey.optional(),
  limit: intParamWithDefault({ min: 1, max: 200, default: 50 }),
  cursor: z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id').optional(),
});

export const surveyView = z.object({
  id: z.string(),
  ticketId: z.string(),
  ticketNumber: z.number(),
  team: z.string(),
  agentId: z.string().nullable(),
  channel: z.string(),
  locale: z.string(),
  status: z.enum(SURVEY_STATUSES),
  reason: z.string().nullable(),
  offeredVia: z.string().nullable(),
  round: z.number(),
  score: z.number().nullable(),
  comment: z.string().nullable(),
  scheduledFor: z.string().nullable(),
  offeredAt: z.string().nullable(),
  answeredAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string().nullable(),
});
