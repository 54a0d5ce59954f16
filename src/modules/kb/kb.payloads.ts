/** The knowledge base's wire shapes: plain leaves, checked against the zod views of kb.schemas.ts and imported type-only by the console. */
import type { Locale } from '../../core/types';

export type KbStatusPayload = 'draft' | 'published';
export type KbVisibilityPayload = 'public' | 'internal';

interface Person {
  id: string | null;
  name: string;
}

/** An article as GET/POST/PUT /api/kb/articles[/:id] answer it: its latest version, its versions and translations. */
export interface ArticlePayload {
  id: string;
  number: number;
  slug: string;
  /** the public page, when published and public */
  url: string | null;
  locale: Locale;
  pairId: string;
  title: string;
  body: string;
  html: string;
  visibility: KbVisibilityPayload;
  status: KbStatusPayload;
  models: string[];
  tags: string[];
  category: string;
  version: number;
  versions: { version: number; title: string; status: string; visibility: string; author: Person; at: string }[];
  translations: { id: string; locale: Locale; slug: string; title: string; status: KbStatusPayload }[];
  createdBy: Person;
  updatedBy: Person;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  sourceTicket: number | null;
}
