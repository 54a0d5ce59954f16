import crypto from 'node:crypto';
import { Dsn, readDsn } from './dsn';
import { parseStoredMail, ParsedMail } from './mail-parse';
import { MailStore } from './mail-store';
import { mailTexts, MailTexts } from './mail-text';

/** One stored raw mail to parse: its file, and the data dir whose attachment store receives its parts. */
export interface ParseTask {
  file: string;
  dataDir: string;
}

/** Everything CPU-bound about one mail, done: the parsed mail and the texts a message shows. */
export interface ParsedMessage {
  mail: ParsedMail;
  texts: MailTexts;
  /** a hash of what the mail says (subject, texts, attachments), not of its bytes: a relayed copy has the same */
  contentHash: string;
  /** what a delivery status notification reports (multipart/report mail only) */
  dsn: Dsn | null;
}

const stores = new Map<string, MailStore>();

/**
 * Runs in a worker thread of the parse pool (or inline where no pool is wanted): parses the mail
 * (attachments written to the store as they stream), trims the quoted history and sanitises the
 * HTML. The result crosses back to the event loop by structured clone.
 */
export async function parseTask(task: ParseTask): Promise<ParsedMessage> {
  let store = stores.get(task.dataDir);
  if (!store) stores.set(task.dataDir, (store = new MailStore(task.dataDir)));
  const mail = await parseStoredMail(task.file, store);
  return { mail, texts: mailTexts(mail), contentHash: contentHash(mail), dsn: await readDsn(task.file, mail) };
}

function contentHash(mail: ParsedMail): string {
  const h = crypto.createHash('sha256');
  for (const part of [mail.subject, mail.text, mail.html ?? '', ...mail.attachments.map((a) => a.hash)]) h.update(part).update('\0');
  return h.digest('hex').slice(0, 32);
}
