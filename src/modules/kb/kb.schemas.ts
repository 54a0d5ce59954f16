import { z } from 'zod';
import { objectId } from '../tickets/ticket.schemas';
import { LOCALES } from '../../core/types';
import { KB_STATUS, KB_VISIBILITY } from './kb.model';
import type { ArticlePayload } from './kb.payloads';

/** The help centre's sections; their names are in templates/pages/help.locales.json. */
export const KB_CATEGORIES = ['troubleshooting', 'installation', 'maintenance', 'warranty', 'general'] as const;

const tag = z.string().trim().min(1).max(40);
const model = z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9 _./-]*$/, 'must be a model number such as AC-3500');

const articleFields = {
  locale: z.enum(LOCALES),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(100_000),
  visibility: z.enum(KB_VISIBILITY).default('public'),
  status: z.enum(KB_STATUS).default('draft'),
  models: z.array(model).max(20).default([]),
  tags: z.array(tag).max(20).default([]),
  category: z.enum(KB_CATEGORIES).default('general'),
};

export const createArticleBody = z.strictObject({
  ...articleFields,
  /** the article this one translates (they share a pair; one article per language in a pair) */
  translationOf: objectId.optional(),
  /** the solved ticket it was written from */
  sourceTicket: z.number().int().positive().optional(),
});

export const updateArticleBody = z
  .strictObject({
    title: articleFields.title.optional(),
    body: articleFields.body.optional(),
    visibility: z.enum(KB_VISIBILITY).optional(),
    status: z.enum(KB_STATUS).optional(),
    models: z.array(model).max(20).optional(),
    tags: z.array(tag).max(20).optional(),
    category: z.enum(KB_CATEGORIES).optional(),
    /** the version the editor started from; a newer one answers 409 `version_conflict` */
    expectedVersion: z.number().int().positive().optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'expectedVersion'), 'nothing to change');

export const articleIdParams = z.strictObject({ id: objectId });
export const articleVersionParams = z.strictObject({ id: objectId, version: z.coerce.number().int().positive().max(1_000_000) });

export const kbSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(200),
  locale: z.enum(LOCALES).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});

export const helpSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(200),
  locale: z.enum(LOCALES).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});

export const listArticlesQuery = z.strictObject({
  locale: z.enum(LOCALES).default('en'),
  status: z.enum(KB_STATUS).default('published'),
  /** public or internal only; both when absent */
  visibility: z.enum(KB_VISIBILITY).optional(),
  /** words: the list becomes the search among these articles (drafts too), best first */
  q: z.string().trim().min(1).max(200).optional(),
  category: z.enum(KB_CATEGORIES).optional(),
  model: model.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const previewBody = z.strictObject({ body: z.string().max(100_000) });

export const proposalParams = z.strictObject({ number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const useArticleBody = z.strictObject({
  ticketNumber: z.number().int().positive(),
  /** what the agent inserted: the link or the text */
  mode: z.enum(['link', 'text']).default('link'),
});

export const deflectionBody = z.strictObject({
  articleId: objectId,
  /** the widget's chat identity, when it has one */
  visitorToken: z.string().max(200).optional(),
  /** a random id per suggestion shown, so that a repeated request counts once */
  clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
});

const person = z.object({ id: z.string().nullable(), name: z.string() });

export const articleView = z.object({
  id: z.string(),
  number: z.number(),
  slug: z.string(),
  url: z.string().nullable(),
  locale: z.enum(LOCALES),
  pairId: z.string(),
  title: z.string(),
  body: z.string(),
  html: z.string(),
  visibility: z.enum(KB_VISIBILITY),
  status: z.enum(KB_STATUS),
  models: z.array(z.string()),
  tags: z.array(z.string()),
  category: z.string(),
  version: z.number(),
  versions: z.array(z.object({ version: z.number(), title: z.string(), status: z.string(), visibility: z.string(), author: person, at: z.string() })),
  translations: z.array(z.object({ id: z.string(), locale: z.enum(LOCALES), slug: z.string(), title: z.string(), status: z.enum(KB_STATUS) })),
  createdBy: person,
  updatedBy: person,
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
  sourceTicket: z.number().nullable(),
}) satisfies z.ZodType<ArticlePayload>;

export const searchResult = z.object({
  items: z.array(z.object({ id: z.string(), slug: z.string(), title: z.string(), snippet: z.string().describe('HTML: the passage escaped, query words in <mark>'), snippetText: z.string(), score: z.number(), locale: z.enum(LOCALES), url: z.string(), visibility: z.enum(KB_VISIBILITY) })),
  total: z.number(),
});
