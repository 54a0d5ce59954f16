import type { AppModule } from '../app-module';
import type { TicketService } from '../tickets/ticket.service';
import { attachmentUploadRoutes } from './attachment.routes';
import type { AttachmentService } from './attachment.service';

/**
 * Files agents attach to replies and visitors send in the chat widget (the widget's route is the
 * chat channel's). Downloads of sent attachments go through the ticket's attachment route, to its
 * teams only, like mail attachments.
 */
export function attachmentsModule(d: { attachments: AttachmentService; tickets: Pick<TicketService, 'visible'> }): AppModule {
  return { name: 'attachments', rawRoutes: (api) => [attachmentUploadRoutes(api, d)] };
}
