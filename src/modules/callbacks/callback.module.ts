import type { Job } from 'bullmq';
import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import { callbackRoutes } from './callback.routes';
import type { CallbackService } from './callback.service';

const SWEEP_EVERY_MS = 60 * 1000;

/** Callback tasks: the HTTP API, the due-time jobs and the sweeper that repairs lost jobs. */
export function callbacksModule(core: Core, callbacks: CallbackService): AppModule & { callbacks: CallbackService } {
  const log = core.log.child({ component: 'callbacks' });
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
