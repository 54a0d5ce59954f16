import type { Job } from 'bullmq';
import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import { callbackModel } from './callback.model';
import { CallbackNotifier } from './callback.notify';
import { callbackRoutes } from './callback.routes';
import { CallbackService, type CallbackServiceDeps } from './callback.service';

const SWEEP_EVERY_MS = 60 * 1000;

export type CallbacksModuleDeps = Pick<CallbackServiceDeps, 'agents' | 'tickets' | 'timeline' | 'updates' | 'customers' | 'hours'>;

/** Callback tasks: the HTTP API, the due-time jobs and the sweeper that repairs lost jobs. */
export function callbacksModule(core: Core, d: CallbacksModuleDeps): AppModule & { callbacks: CallbackService } {
  const log = core.log.child({ component: 'callbacks' });
  const { Agent } = core.models;
  const notifier = new CallbackNotifier({ Agent, realtime: core.realtime, timeline: d.timeline, log });
  const callbacks = new CallbackService({
    Callback: callbackModel(core.conn, core.clock),
    Agent,
    ...d,
    notifier,
    queues: core.queues,
    clock: core.clock,
    log,
    retryDelayMs: core.config.callbackRetryDelayMs,
    context: { Ticket: core.models.Ticket, Customer: core.models.Customer },
  });
  return {
    name: 'callbacks',
    callbacks,
    routes: (api) => [callbackRoutes(api, callbacks)],
    processors: () => ({
      callbacks: {
        due: (job: Job) => callbacks.fire(String(job.data.callbackId)),
        sweep: () => callbacks.sweep(),
      },
    }),
    async startWorkers() {
      await core.queues.get('callbacks').upsertJobScheduler('callbacks-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
      // A worker coming back after downtime delivers what fell due meanwhile, without waiting a minute.
      const { due } = await callbacks.sweep();
      if (due) log.info({ due }, 'callbacks made due on start');
    },
  };
}
