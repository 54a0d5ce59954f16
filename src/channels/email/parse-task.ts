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
  return { mail, texts: mailTexts(mail) };
}
