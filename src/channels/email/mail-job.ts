/** The data of a `mail-in` job: which stored raw mail to take in, and how it came. */
export interface InboundJob {
  /** the raw mail's content hash: its file under DATA_DIR/mail/inbound */
  hash: string;
  /** how it came: SMTP, the raw webhook, a team's mailbox (IMAP), or re-queued by the sweeper (envelope unknown) */
  via: 'smtp' | 'webhook' | 'imap' | 'sweep';
  /** the team whose mailbox the mail was fetched from (IMAP); else the team of the recipients */
  team?: string;
  /** envelope recipients (SMTP), empty for the webhook */
  rcpt: string[];
  /** envelope sender; '' is the null reverse-path, null when unknown (webhook) */
  mailFrom: string | null;
  receivedAt: string;
}
