import pino, { DestinationStream, Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, at any depth of the logged object. */
const SECRET_KEYS = new Set([
  'password', 'passwordhash', 'token', 'secret', 'authorization', 'cookie', 'x-webhook-secret', 'x-twilio-signature',
  'email', 'emails', 'phone', 'phones', 'from', 'to', 'cc', 'bcc', 'replyto', 'sender', 'recipient', 'recipients', 'rcpt',
  'mailfrom', 'envelope', 'accepted', 'rejected',
]);
const CENSOR = '[redacted]';
const MAX_DEPTH = 8;
const LOCAL = /[A-Za-z0-9._%+!#$&'*=?^`{|}~-]/;
const DOMAIN = /[A-Za-z0-9.-]/;
const PHONE = /\+\d[\d ()-]{6,20}\d/g;

/**
 * Personal addresses out of free text (error messages, SMTP replies, reasons): every
 * `local@domain.tld` becomes `[email]`, every `+<digits>` phone number `[phone]`. Linear in the
 * text: each `@` looks a bounded way left and right.
 */
export function scrubAddresses(text: string): string {
  let out = text.includes('+') ? text.replace(PHONE, '[phone]') : text;
  if (!out.includes('@')) return out;
  const parts: string[] = [];
  let from = 0;
  for (let at = out.indexOf('@'); at !== -1; at = out.indexOf('@', at + 1)) {
    let l = at;
    while (l > from && at - l < 64 && LOCAL.test(out[l - 1])) l--;
    let r = at + 1;
    while (r < out.length && r - at < 255 && DOMAIN.test(out[r])) r++;
    while (r > at + 1 && out[r - 1] === '.') r--; // a sentence's full stop is not the domain's
    const domain = out.slice(at + 1, r);
    if (l === at || !/\.[A-Za-z]{2,}$/.test(domain)) continue;
    parts.push(out.slice(from, l), '[email]');
    from = r;
    at = r - 1;
  }
  parts.push(out.slice(from));
  out = parts.join('');
  return out;
}

/** The logged object with secret keys censored at every depth and addresses scrubbed from every string. */
export function scrubLogObject(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubAddresses(value);
  if (!value || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) return scrubLogObject({ ...pino.stdSerializers.err(value) }, depth, seen);
  if (Array.isArray(value)) return value.map((v) => scrubLogObject(v, depth + 1, seen));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // dates, buffers, ids: as pino writes them
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k.toLowerCase()) && v != null ? CENSOR : scrubLogObject(v, depth + 1, seen);
  return out;
}

/**
 * One root logger; components take `log.child({ component })`. Secrets and personal data are
 * redacted: by key at any depth (`{customer:{contacts:[{email}]}}`), and addresses are scrubbed
 * from messages, error messages and reasons (`550 <x@y.cn>: no such user` logs `550 <[email]>: …`).
 */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid, ...base },
    formatters: { log: (obj) => scrubLogObject(obj) as Record<string, unknown> },
    // the formatter above already made `err` a scrubbed plain object; pino's own would rename its type
    serializers: { err: (e: unknown) => (e instanceof Error ? scrubLogObject(e) : e) },
    hooks: {
      logMethod(args, method) {
        const [first, second] = args as unknown[];
        // pino takes the message from the error when none is given: give it the scrubbed one
        const err = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
        if (typeof second !== 'string' && typeof first !== 'string' && err instanceof Error) args.splice(1, 0, err.message);
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubAddresses(args[i] as string);
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-webhook-secret"]', 'req.headers["x-twilio-signature"]'], censor: CENSOR },
  };
  return destination ? pino(options, destination) : pino(options);
}
