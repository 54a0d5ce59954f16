import type { AppModule } from '../modules/app-module';
import type { Mailer } from './mailer';
import type { Templates } from './templates';
import { outboxHandlers, type StatusLinkOf } from './outbox';

/** Sends templated system mail from the workers; a mail about a ticket carries the ticket's status link. */
export function mailModule(templates: Templates, mailer: Mailer, statusLink?: StatusLinkOf): AppModule {
  return {
    name: 'mail',
    processors: () => outboxHandlers(templates, mailer, statusLink),
    stopWorkers: async () => mailer.close(),
  };
}
