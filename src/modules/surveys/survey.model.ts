import { modelOnce } from '../../infra/mongo';
import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { CHANNELS, LOCALES } from '../../core/types';

export const SURVEY_STATUSES = ['scheduled', 'offered', 'answered', 'cancelled', 'expired'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/**
 * One satisfaction survey per solve of a ticket (`round`). Offered and answered surveys are both
 * kept, so reports can compute the response rate; the agent and team are copied at solve time so a
 * later reassignment does not move the rating to someone else.
 */
export function surveySchema(clock: Clock) {
  return new Schema(
    {
      ticketId: { type: Schema.Types.ObjectId, required: true, index: true },
      ticketNumber: { type: Number, required: true },
      team: { type: String, required: true },
      /** the ticket's assignee, or the agent who solved it, at solve time */
      agentId: { type: Schema.Types.ObjectId, default: null },
      channel: { type: String, enum: CHANNELS, required: true },
      locale: { type: String, enum: LOCALES, default: 'en' },
      customerId: { type: Schema.Types.ObjectId, required: true },
      status: { type: String, enum: SURVEY_STATUSES, default: 'scheduled' },
      /** why a survey was cancelled (reopened, no_contact, ...) */
      reason: { type: String, default: null },
      /** how it reached the customer: email or chat */
      offeredVia: { type: String, enum: ['email', 'chat', null], default: null },
      scheduledFor: { type: Date, required: true },
      offeredAt: { type: Date, default: null },
      answeredAt: { type: Date, default: null },
      score: { type: Number, min: 1, max: 5, default: null },
      comment: { type: String, default: null, maxlength: 4000 },
      expiresAt: { type: Date, default: null },
      /** the n-th solve of the ticket (1 for the first) */
      round: { type: Number, required: true },
      /** when the consequences of an answer (timeline, low-rating callback, escalation) were done */
      handledAt: { type: Date, default: null },
      dedupeKey: { type: String, required: true, unique: true },
    },
    { timestamps: { currentTime: () => clock.now() } },
  );
}

export type SurveyFields = InferSchemaType<ReturnType<typeof surveySchema>> & { createdAt: Date; updatedAt: Date };
export type SurveyDoc = HydratedDocument<SurveyFields>;
export type SurveyModel = Model<SurveyFields>;

/** The Survey model of a connection; the reports module may ask for it too, so it is created once. */
export function surveyModel(conn: Connection, clock: Clock): SurveyModel {
  return modelOnce<SurveyModel>(conn, 'Survey', () => {
    const schema = surveySchema(clock);
    schema.index({ team: 1, status: 1, createdAt: -1 });
    schema.index({ status: 1, scheduledFor: 1 });
    schema.index({ agentId: 1, answeredAt: -1 });
    return schema;
  });
}
