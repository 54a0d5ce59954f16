import type { Job } from 'bullmq';
import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import { SurveyAnswers, type SurveyAnswersDeps } from './survey.answers';
import { surveyModel } from './survey.model';
import { SurveyObserver } from './survey.observer';
import { surveyRoutes } from './survey.routes';
import { type SurveyOptions, SurveyService, type SurveyServiceDeps } from './survey.service';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

export type SurveyModule = AppModule & { service: SurveyService; answers: SurveyAnswers };

export type SurveyModuleDeps = Pick<SurveyServiceDeps, 'tickets' | 'timeline' | 'customers' | 'callbacks' | 'chatPresence'> & Pick<SurveyAnswersDeps, 'tickets' | 'agents'>;

/**
 * Satisfaction surveys and follow-up calls (回访) after a ticket is solved. `answers.recordChatRating`
 * is what the chat channel calls for an in-widget rating.
 */
export function surveyModule(core: Core, d: SurveyModuleDeps, opts: SurveyOptions = {}): SurveyModule {
  const log = core.log.child({ component: 'surveys' });
  const { config, clock, queues, realtime } = core;
  const service = new SurveyService(
    {
      Survey: surveyModel(core.conn, clock),
      Agent: core.models.Agent,
      tickets: d.tickets,
      timeline: d.timeline,
      customers: d.customers,
      callbacks: d.callbacks,
      chatPresence: d.chatPresence,
      queues,
      outbox: core.outbox,
      realtime,
      clock,
      log,
      config: { sessionSecret: config.sessionSecret, publicUrl: config.publicUrl, surveyDelayMs: config.surveyDelayMs, followupDelayMs: config.followupDelayMs },
    },
    opts,
  );
  const answers = new SurveyAnswers({ surveys: service, callbacks: d.callbacks, tickets: d.tickets, timeline: d.timeline, agents: d.agents, customers: d.customers, queues, realtime, clock, log });
  const observer = new SurveyObserver(service);
  return {
    name: 'surveys',
    service,
    answers,
    routes: (api) => [surveyRoutes(api, { surveys: service, answers, tickets: d.tickets, templates: core.templates, log })],
    ticketObservers: () => [observer],
    processors: () => ({
      surveys: {
        offer: (job: Job) => service.offer(job.data.surveyId),
        answered: (job: Job) => answers.handleAnswered(job.data.surveyId),
        sweep: () => service.sweep((id) => answers.enqueueHandle(id)),
      },
    }),
    startWorkers: async () => {
      await queues.get('surveys').upsertJobScheduler('surveys-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
