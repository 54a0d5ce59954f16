import type { Core } from '../../core/core';
import { SecretBox } from '../../infra/secrets';
import type { AppModule } from '../../modules/app-module';
import type { TeamService } from '../../modules/teams/team.service';
import type { EmailModule } from '../email/email.module';
import { mailboxModel } from './imap.model';
import { mailboxRoutes } from './imap.routes';
import { MailboxService } from './imap.service';
import { MailboxSupervisor } from './imap.supervisor';

export interface ImapModule extends AppModule {
  readonly name: 'imap';
  readonly mailboxes: MailboxService;
  /** the worker side's supervisor (null in the API process until the workers start) */
  supervisor(): MailboxSupervisor | null;
}

export interface ImapModuleDeps {
  /** the email channel's intake: a fetched mail goes where an SMTP one goes */
  email: Pick<EmailModule, 'accept'>;
  teams: Pick<TeamService, 'get'>;
}

/**
 * Existing mailboxes (IMAP) per team: settings by `PUT /api/teams/:key`, fetched in the worker
 * process into the same raw-mail store and `mail-in` job as the SMTP intake — the same parsing,
 * threading and dedupe, nothing parsed twice.
 */
export function imapModule(core: Core, d: ImapModuleDeps, opts: { reconcileMs?: number } = {}): ImapModule {
  const mailboxes = new MailboxService(mailboxModel(core.conn, core.clock), new SecretBox(core.config.secretsKey), core.clock);
  const log = core.log.child({ component: 'imap' });
  let supervisor: MailboxSupervisor | null = null;
  return {
    name: 'imap',
    mailboxes,
    supervisor: () => supervisor,
    routes: (api) => [mailboxRoutes(api, { mailboxes, teams: d.teams })],
    startWorkers: async () => {
      supervisor = new MailboxSupervisor(
        core.redis,
        core.config.queuePrefix,
        mailboxes,
        (source, team) => d.email.accept(source, core.config.mailMaxBytes, { via: 'imap', rcpt: [], mailFrom: null, team }),
        { clientName: 'Aftercare', clientVersion: '1.0', maxBytes: core.config.mailMaxBytes, reconcileMs: opts.reconcileMs },
        log,
      );
      supervisor.start();
    },
    stopWorkers: async () => {
      await supervisor?.stop();
      supervisor = null;
    },
  };
}
