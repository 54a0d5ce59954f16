import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, TrustProxy } from './http/client-ip';
import { isoDurationMs } from './infra/duration';

const isoDuration = isoDurationMs;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  SMTP_PORT: port(2525),
  DATA_DIR: z.string().default('./data'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb://').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis://').optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  PBX_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // empty means unset (docker-compose passes `${EMAIL_WEBHOOK_SECRET:-}`); a set one must be hard to guess
  EMAIL_WEBHOOK_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').optional()),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  VISITOR_TOKEN_TTL: isoDuration('P30D'),
  SURVEY_DELAY: isoDuration('PT1H'),
  FOLLOWUP_DELAY: isoDuration('P3D'),
  AUTO_CLOSE_AFTER: isoDuration('P4D'),
  CALLBACK_RETRY_DELAY: isoDuration('PT30M'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Aftercare Support <support@demo.local>'),
  MAIL_MAX_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  MAIL_RETENTION: isoDuration('P90D'),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  PUBLIC_URL: z.string().url('must be a URL such as https://help.example.com').optional(),
  SEED_DEMO: bool,
  DEMO_PASSWORD: z.string().min(6).default('demo-password'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/).default('aftercare'),
  SLA_WARNING_RATIO: z.coerce.number().gt(0).lt(1).default(0.8),
  SLA_ESCALATION_STEP: isoDuration('PT1H'),
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const r = parseTrustProxy(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  smtpPort: number;
  dataDir: string;
  mongodbUri: string;
  redisUrl: string;
  twilioAuthToken?: string;
  /** static token a PBX sends to POST /api/voice/events (an admin's bearer token works too) */
  pbxApiToken?: string;
  emailWebhookSecret?: string;
  sessionSecret: string;
  /** a chat visitor token's lifetime since its last use */
  visitorTokenTtlMs: number;
  surveyDelayMs: number;
  followupDelayMs: number;
  autoCloseAfterMs: number;
  callbackRetryDelayMs: number;
  smtpUrl?: string;
  mailFrom: string;
  mailMaxBytes: number;
  mailRetentionMs: number;
  /** largest file an agent or a visitor may upload */
  attachmentMaxBytes: number;
  publicUrl: string;
  seedDemo: boolean;
  demoPassword: string;
  logLevel: string;
  queuePrefix: string;
  slaWarningRatio: number;
  slaEscalationStepMs: number;
  /** whose X-Forwarded-For names the client (src/http/client-ip.ts) */
  trustProxy: TrustProxy;
}>;

export class ConfigError extends Error {}

/**
 * Parses the environment once into a frozen object. Nothing else in the code reads process.env.
 * A wrong value throws a ConfigError whose message is one line naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  if (!e.MONGODB_URI) throw new ConfigError('Invalid configuration: MONGODB_URI is not set (npm start starts an embedded store and sets it)');
  if (!e.REDIS_URL) throw new ConfigError('Invalid configuration: REDIS_URL is not set (npm start starts an embedded store and sets it)');
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    smtpPort: e.SMTP_PORT,
    dataDir,
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    pbxApiToken: e.PBX_API_TOKEN,
    emailWebhookSecret: e.EMAIL_WEBHOOK_SECRET,
    sessionSecret: e.SESSION_SECRET ?? persistentSecret(dataDir),
    visitorTokenTtlMs: e.VISITOR_TOKEN_TTL,
    surveyDelayMs: e.SURVEY_DELAY,
    followupDelayMs: e.FOLLOWUP_DELAY,
    autoCloseAfterMs: e.AUTO_CLOSE_AFTER,
    callbackRetryDelayMs: e.CALLBACK_RETRY_DELAY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailMaxBytes: e.MAIL_MAX_BYTES,
    mailRetentionMs: e.MAIL_RETENTION,
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    publicUrl,
    seedDemo: e.SEED_DEMO,
    demoPassword: e.DEMO_PASSWORD,
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    slaWarningRatio: e.SLA_WARNING_RATIO,
    slaEscalationStepMs: e.SLA_ESCALATION_STEP,
    trustProxy: e.TRUST_PROXY,
  });
}

/** SESSION_SECRET when unset: generated once and kept under DATA_DIR so tokens and links survive restarts. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = crypto.randomBytes(32).toString('hex');
    try {
      fs.writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
      return secret;
    } catch {
      return fs.readFileSync(file, 'utf8').trim(); // another process won the race
    }
  }
}
