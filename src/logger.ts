import pino, { DestinationStream, Logger } from 'pino';

export type { Logger };

/** One root logger; components take `log.child({ component })`. Secrets and personal data are redacted. */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid, ...base },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-webhook-secret"]',
        'req.headers["x-twilio-signature"]',
        'password',
        '*.password',
        'token',
        '*.token',
        'email',
        '*.email',
        'phone',
        '*.phone',
        'from',
        'to',
        '*.from',
        '*.to',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
