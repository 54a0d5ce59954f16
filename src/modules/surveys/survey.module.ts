import type { Job } from 'bullmq';
import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import { SurveyAnswers } from './survey.answers';
import { surveyModel } from './survey.model';
import { SurveyObserver } from './survey.observer';
import { surveyRoutes } from './survey.routes';
import { CallbackTasks, SurveyOptions, SurveyService } from './survey.service';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

export type SurveyModule = AppModule & { service: SurveyService; answers: SurveyAnswers };

/**
 * Satisfaction surveys and follow-up calls (回访) after a ticket is solved. `answers.recordChatRating`
 * is what the chat channel calls for an in-widget rating.
 */
export function surveyModule(core: Core, callbacks: CallbackTasks, opts: SurveyOptions = {}): SurveyModule {
  const service = new SurveyService(core, surveyModel(core.conn, core.clock), callbacks, opts);
  const answers = new SurveyAnswers(core, service, callbacks);
  core.tickets.observe(new SurveyObserver(service));
  return {
    name: 'surveys',
    service,
    answers,
    routes: (api) => [surveyRoutes(api, { surveys: service, answers, tickets: core.tickets, templates: core.templates, log: core.log.child({ component: 'surveys' }) })],
    processors: () => ({
      surveys: {
        offer: (job: Job) => service.offer(job.data.surveyId),
        answered: (job: Job) => answers.handleAnswered(job.data.surveyId),
        sweep: () => service.sweep((id) => answers.enqueueHandle(id)),
      },
    }),
    startWorkers: async () => {
      await core.queues.get('surveys').upsertJobScheduler('surveys-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
