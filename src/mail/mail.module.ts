import type { AppModule } from '../modules/app-module';
import type { Mailer } from './mailer';
import type { Templates } from './templates';
import { outboxHandlers } from './outbox';

/** Sends templated system mail from the workers. */
export function mailModule(templates: Templates, mailer: Mailer): AppModule {
  return {
    name: 'mail',
    processors: () => outboxHandlers(templates, mailer),
    stopWorkers: async () => mailer.close(),
  };
}
