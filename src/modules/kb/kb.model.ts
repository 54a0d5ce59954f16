import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';
import { LOCALES } from '../../core/types';

export const KB_VISIBILITY = ['public', 'internal'] as const;
export const KB_STATUS = ['draft', 'published'] as const;
export type KbVisibility = (typeof KB_VISIBILITY)[number];
export type KbStatus = (typeof KB_STATUS)[number];

const person = new Schema({ id: { type: String, default: null }, name: { type: String, default: '' } }, { _id: false });

/** One entry of an article's history, kept on the article so that its page needs no scan of versions. */
const historyEntry = new Schema({ version: Number, title: String, status: String, visibility: String, author: person, at: Date }, { _id: false });

/**
 * A knowledge-base article (知识库 / FAQ) in one language: its latest version. A translation has
 * the same `pairId` (one article per language in a pair). Every change writes a new version
 * (`KbVersion`, unique by article and number) and an entry in `history`.
 */
function articleSchema(clock: Clock) {
  return new Schema(
    {
      number: { type: Number, required: true, unique: true },
      slug: { type: String, required: true, unique: true },
      locale: { type: String, enum: LOCALES, required: true },
      pairId: { type: String, required: true },
      title: { type: String, required: true, maxlength: 200 },
      body: { type: String, required: true, maxlength: 100_000 },
      visibility: { type: String, enum: KB_VISIBILITY, default: 'public' },
      status: { type: String, enum: KB_STATUS, default: 'draft' },
      /** product models the article is about, as the catalogue names them (`AC-3500`) */
      models: { type: [String], default: [] },
      tags: { type: [String], default: [] },
      /** the help centre's section */
      category: { type: String, default: 'general' },
      version: { type: Number, default: 1 },
      history: { type: [historyEntry], default: [] },
      createdBy: { type: person, required: true },
      updatedBy: { type: person, required: true },
      publishedAt: { type: Date, default: null },
      /** the solved ticket it was written from */
      sourceTicket: { type: Number, default: null },
    },
    { timestamps: { currentTime: () => clock.now() }, minimize: false },
  );
}

function versionSchema() {
  return new Schema(
    {
      articleId: { type: String, required: true },
      version: { type: Number, required: true },
      title: String,
      body: String,
      visibility: String,
      status: String,
      models: [String],
      tags: [String],
      category: String,
      author: person,
      at: Date,
    },
    { versionKey: false },
  ).index({ articleId: 1, version: 1 }, { unique: true });
}

/** What the knowledge base counts for the report: an article put into a reply, a chat ended by an article. */
function eventSchema() {
  return new Schema(
    {
      type: { type: String, enum: ['used', 'deflected'], required: true },
      articleId: { type: String, required: true },
      locale: String,
      team: { type: String, default: null },
      agentId: { type: String, default: null },
      ticketNumber: { type: Number, default: null },
      /** makes counting idempotent: a repeated request counts once */
      key: { type: String, required: true, unique: true },
      at: { type: Date, required: true },
    },
    { versionKey: false },
  ).index({ at: 1 });
}

export type KbArticleFields = InferSchemaType<ReturnType<typeof articleSchema>> & { createdAt: Date; updatedAt: Date };
export type KbArticleDoc = HydratedDocument<KbArticleFields>;
export type KbArticleModel = Model<KbArticleFields>;
export type KbVersionModel = Model<InferSchemaType<ReturnType<typeof versionSchema>>>;
export type KbEventModel = Model<InferSchemaType<ReturnType<typeof eventSchema>>>;

export function kbModels(conn: Connection, clock: Clock) {
  const Article = modelOnce<KbArticleModel>(conn, 'KbArticle', () => articleSchema(clock).index({ pairId: 1, locale: 1 }, { unique: true }));
  return {
    Article,
    Version: modelOnce<KbVersionModel>(conn, 'KbVersion', versionSchema),
    Event: modelOnce<KbEventModel>(conn, 'KbEvent', eventSchema),
  };
}
export type KbModels = ReturnType<typeof kbModels>;
