import fs from 'node:fs';
import path from 'node:path';
import { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import type { Logger } from '../../logger';
import type { Templates } from '../../mail/templates';
import type { TicketService } from '../tickets/ticket.service';
import type { Locale } from '../../core/types';
import { COMMENT_MAX, CONTACT_REQUEST, LOW_SCORE, SurveyAnswers, TokenState } from './survey.answers';
import type { SurveyDoc } from './survey.model';
import { listSurveysQuery, surveyAnswerBody, surveyPageQuery, surveyTokenParams, surveyView } from './survey.schemas';
import { serializeSurvey, SurveyService } from './survey.service';

const STRINGS_FILE = path.resolve(__dirname, '..', '..', '..', 'templates', 'pages', 'survey.locales.json');
type Strings = Record<string, string> & { scores: Record<string, string> };

export interface SurveyRouteDeps {
  surveys: SurveyService;
  answers: SurveyAnswers;
  tickets: Pick<TicketService, 'byId'>;
  templates: Templates;
  log: Logger;
}

/**
 * The customer's survey page (HTML, no login: the signed token is the key) and the console's list.
 * GET only shows; POST records. Every outcome is a page with a fitting status code.
 */
export function surveyRoutes(api: ApiRegistry, d: SurveyRouteDeps): Router {
  const r = Router();
  const strings = JSON.parse(fs.readFileSync(STRINGS_FILE, 'utf8')) as Record<Locale, Strings>;

  const localeOf = (req: Request, survey?: SurveyDoc | null): Locale => {
    if (survey?.locale === 'zh-CN' || survey?.locale === 'en') return survey.locale;
    return /^zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh-CN' : 'en';
  };

  const page = (res: Response, status: number, locale: Locale, data: Record<string, unknown>) => {
    const t = strings[locale] ?? strings.en;
    res
      .status(status)
      .set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' })
      .type('html')
      .send(d.templates.renderPage('survey', { locale, t, ...data }));
  };

  const message = (res: Response, status: number, locale: Locale, key: 'thanks' | 'answered' | 'expired' | 'invalid' | 'closed' | 'error', extra?: string) => {
    const t = strings[locale] ?? strings.en;
    page(res, status, locale, { form: false, title: t[`${key}Title`], text: t[`${key}Text`], extra: extra ?? null });
  };

  const form = async (res: Response, status: number, req: Request, survey: SurveyDoc, opts: { score?: unknown; comment?: string; error?: string }) => {
    const locale = localeOf(req, survey);
    const t = strings[locale] ?? strings.en;
    const ticket = await d.tickets.byId(survey.ticketId as never).catch(() => null);
    const chosen = String(opts.score ?? '');
    page(res, status, locale, {
      form: true,
      action: `/survey/${encodeURIComponent(String(req.params.token))}`,
      ticketNumber: survey.ticketNumber,
      subject: ticket?.subject ?? null,
      scores: [1, 2, 3, 4, 5].map((n) => ({ value: n, label: t.scores[String(n)], checked: chosen === String(n) })),
      comment: opts.comment ?? '',
      error: opts.error ?? null,
    });
  };

  /** The states every request shares: forged, expired, closed links answer the same way on GET and POST. */
  const refuse = (req: Request, res: Response, state: TokenState): boolean => {
    if (state.kind === 'invalid') message(res, 404, localeOf(req), 'invalid');
    else if (state.kind === 'expired') message(res, 410, localeOf(req, state.survey), 'expired');
    else if (state.kind === 'closed') message(res, 410, localeOf(req, state.survey), 'closed');
    else return false;
    return true;
  };

  const guarded = (fn: (req: Request, res: Response, token: string) => Promise<void>) => async ({ params, req, res }: { params: { token: string }; req: Request; res: Response }) => {
    try {
      await fn(req, res, params.token);
    } catch (err) {
      d.log.error({ err, path: '/survey/:token' }, 'survey page failed');
      if (!res.headersSent) message(res, 500, localeOf(req), 'error');
    }
  };

  api.route(
    r,
    { method: 'get', path: '/survey/:token', tag: 'surveys', summary: 'The satisfaction survey form (HTML); opening it records nothing', auth: 'public', params: surveyTokenParams, query: surveyPageQuery, produces: ['text/html'], pageStatus: [404, 410] },
    guarded(async (req, res, token) => {
      const state = await d.answers.inspect(token);
      if (refuse(req, res, state)) return;
      if (state.kind === 'answered') return message(res, 200, localeOf(req, state.survey), 'answered');
      if (state.kind === 'open') await form(res, 200, req, state.survey, { score: req.query.score });
    }),
  );

  api.route(
    r,
    {
      method: 'post',
      path: '/survey/:token',
      tag: 'surveys',
      summary: 'Answer the satisfaction survey once (HTML form post); 409 when already answered, 410 when expired',
      auth: 'public',
      params: surveyTokenParams,
      body: surveyAnswerBody,
      contentType: 'application/x-www-form-urlencoded',
      produces: ['text/html'],
      pageStatus: [400, 404, 409, 410],
    },
    guarded(async (req, res, token) => {
      const state = await d.answers.inspect(token);
      if (refuse(req, res, state)) return;
      if (state.kind === 'answered') return message(res, 409, localeOf(req, state.survey), 'answered');
      if (state.kind !== 'open') return;
      const survey = state.survey;
      const t = strings[localeOf(req, survey)] ?? strings.en;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const rawComment = typeof body.comment === 'string' ? body.comment : '';
      const score = typeof body.score === 'string' && /^[1-5]$/.test(body.score.trim()) ? Number(body.score.trim()) : null;
      if (score === null) return form(res, 400, req, survey, { comment: rawComment, error: t.errorScore });
      if (body.comment !== undefined && typeof body.comment !== 'string') return form(res, 400, req, survey, { score, error: t.errorComment });
      if (rawComment.length > COMMENT_MAX) return form(res, 400, req, survey, { score, comment: rawComment.slice(0, COMMENT_MAX), error: t.errorComment });
      const result = await d.answers.answer(survey._id, score, rawComment);
      if (!result.recorded) {
        if (result.survey?.status === 'answered') return message(res, 409, localeOf(req, survey), 'answered');
        return message(res, 410, localeOf(req, survey), result.survey?.status === 'expired' ? 'expired' : 'closed');
      }
      const low = score <= LOW_SCORE || CONTACT_REQUEST.test(rawComment);
      message(res, 200, localeOf(req, survey), 'thanks', low ? t.thanksLow : undefined);
    }),
  );

  api.route(
    r,
    { method: 'get', path: '/api/surveys', tag: 'surveys', summary: 'Satisfaction surveys of your teams (filter by ticket number and status)', auth: 'agent', query: listSurveysQuery, response: z.object({ surveys: surveyView.array(), nextCursor: z.string().nullable() }) },
    async ({ query, principal }) => {
      const { surveys, nextCursor } = await d.surveys.list(principal, query);
      return { surveys: surveys.map(serializeSurvey), nextCursor };
    },
  );

  return r;
}
