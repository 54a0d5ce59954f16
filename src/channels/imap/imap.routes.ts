import { Router } from 'express';
import { z } from 'zod';
import { ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import type { TeamService } from '../../modules/teams/team.service';
import { MailboxService, serializeMailbox } from './imap.service';

const mailbox = z.strictObject({
  host: z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.-]+$/, 'a host name or address'),
  port: z.number().int().min(1).max(65535).default(993),
  secure: z.boolean().default(true).describe('TLS from the start (993); false: STARTTLS when the server offers it'),
  user: z.string().min(1).max(254),
  password: z.string().min(1).max(512).optional().describe('write-only; left out, a configured mailbox keeps its password'),
  folder: z.string().min(1).max(200).default('INBOX'),
  backfillDays: z.number().int().min(0).max(365).optional().describe('on first contact, mail of this many days back is fetched (default 7)'),
  active: z.boolean().optional(),
});
export const mailboxView = z.object({
  id: z.string(),
  host: z.string(),
  port: z.number(),
  secure: z.boolean(),
  user: z.string(),
  folder: z.string(),
  backfillDays: z.number(),
  active: z.boolean(),
  hasPassword: z.boolean(),
  state: z.enum(['new', 'connecting', 'connected', 'error']),
  lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
  lastSyncAt: z.string().nullable(),
  checkpoint: z.object({ uidValidity: z.string().nullable(), lastUid: z.number() }),
});
const teamKey = z.strictObject({ key: z.string().regex(/^[a-z0-9_-]{2,32}$/) });

/** A team's existing mailboxes (IMAP), fetched by the workers; the last connection error shows here. */
export function mailboxRoutes(api: ApiRegistry, d: { mailboxes: MailboxService; teams: Pick<TeamService, 'get'> }): Router {
  const r = Router();
  api.route(
    r,
    { method: 'put', path: '/api/teams/:key', tag: 'teams', summary: 'Set the existing mailboxes (IMAP) the team\'s mail is fetched from (admin, manager); passwords are write-only and stored encrypted', auth: ROLE_SETS.managers, params: teamKey, body: z.strictObject({ mailboxes: z.array(mailbox).max(10) }), response: z.object({ key: z.string(), mailboxes: z.array(mailboxView) }) },
    async ({ params, body }) => {
      await d.teams.get(params.key);
      return { key: params.key, mailboxes: (await d.mailboxes.replace(params.key, body.mailboxes)).map(serializeMailbox) };
    },
  );
  api.route(
    r,
    { method: 'get', path: '/api/teams/:key/mailboxes', tag: 'teams', summary: 'The team\'s mailboxes with their connection state, last error and checkpoint', auth: ROLE_SETS.leads, params: teamKey, response: z.object({ key: z.string(), mailboxes: z.array(mailboxView) }) },
    async ({ params }) => {
      await d.teams.get(params.key);
      return { key: params.key, mailboxes: (await d.mailboxes.list(params.key)).map(serializeMailbox) };
    },
  );
  return r;
}
