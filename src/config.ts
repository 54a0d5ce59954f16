import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { parseTrustProxy, TrustProxy } from './http/client-ip';
import { isoDuration as durationText, isoDurationMs, parseDuration } from './infra/duration';
import { hashTaggedPrefix, parseRedisUrl } from './infra/redis-url';

const isoDuration = isoDurationMs;

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** a duration an SLA target can be in business time (days, hours, minutes; no months) */
const businessDuration = (fallback: string) =>
  z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/, 'must be an ISO 8601 duration in days, hours and minutes such as PT4H').default(fallback);
/** `VAR=` (as docker compose passes `${VAR:-}`) means unset, not an invalid value. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  SMTP_PORT: port(2525),
  DATA_DIR: z.string().default('./data'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb://').optional(),
  REDIS_URL: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseRedisUrl(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional(),
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
  MAIL_DISK_QUOTA: z.coerce.number().int().positive().default(10 * 1024 ** 3),
  SMTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  SMTP_MESSAGES_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(1000),
  ATTACHMENT_RETENTION: z
    .string()
    .optional()
    .refine((v) => !v || durationText.safeParse(v).success, 'must be an ISO 8601 duration such as P365D, or empty (attachments kept)')
    .transform((v) => (v ? parseDuration(v) : null)),
  MAIL_PARSE_THREADS: z.coerce.number().int().min(0).max(64).default(0),
  // below ~20 MB a parse thread does not start (its code does not fit); bench/parse-heap.ts
  MAIL_PARSE_HEAP_MB: z.coerce.number().int().min(32).max(4096).default(64),
  MAIL_INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  MAIL_RETRY_FOR: isoDuration('PT12H'),
  MAIL_RETRY_MAX_DELAY: isoDuration('PT10M'),
  PUBLIC_URL: z.string().url('must be a URL such as https://help.example.com').optional(),
  SEED_DEMO: bool,
  DEMO_PASSWORD: z.string().min(6).default('demo-password'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:{}-]+$/).default('aftercare').transform(hashTaggedPrefix),
  SLA_WARNING_RATIO: z.coerce.number().gt(0).lt(1).default(0.8),
  SLA_ESCALATION_STEP: isoDuration('PT1H'),
  SLA_TIMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
  ONSITE_TARGET: businessDuration('PT4H'),
  ONSITE_EMERGENCY_TARGET: businessDuration('PT4H'),
  APPOINTMENT_SLOT: isoDuration('PT2H'),
  APPOINTMENT_TRAVEL_BUFFER: isoDuration('PT30M'),
  APPOINTMENT_CUTOFF: isoDuration('PT24H'),
  COMPANY_NAME: z.string().min(1).max(200).default('Aftercare Demo Appliances 售后服务中心'),
  PDF_FONT: z.string().default('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'),
  OLD_PART_RETURN_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  ORG_TIME_ZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((v) => IANAZone.isValidZone(v), 'must be an IANA time zone such as Asia/Shanghai or Europe/Berlin'),
  SECRETS_KEY: unsetWhenEmpty(z.string().regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')),
  WECHAT_TOKEN: unsetWhenEmpty(z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3 to 32 letters or digits')),
  WECHAT_APPID: unsetWhenEmpty(z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be the AppID of the Official Account')),
  WECHAT_SECRET: unsetWhenEmpty(z.string().min(8).max(128)),
  WECHAT_AES_KEY: unsetWhenEmpty(z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey')),
  WECHAT_API_BASE: z.string().url('must be a URL such as https://api.weixin.qq.com').default('https://api.weixin.qq.com'),
  SMS_URL: unsetWhenEmpty(z.string().regex(/^(twilio|tencent|log):\/\//, 'must be twilio://SID:TOKEN@api.twilio.com?from=+1…, tencent://SECRET_ID:SECRET_KEY@sms.tencentcloudapi.com?… or log://')),
  // empty means unset (docker-compose passes `${METRICS_TOKEN:-}`)
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').optional()),
  METRICS_PORT: port(9464),
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const r = parseTrustProxy(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    }),
  WEBHOOK_ALLOW_PRIVATE: bool,
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).max(10_000).default(30),
  WEBHOOK_RETRY_BASE: isoDuration('PT30S'),
  WEBHOOK_RETRY_FOR: isoDuration('P1D'),
  WEBHOOK_TIMEOUT: isoDuration('PT10S'),
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
  /** bytes the raw inbound mail may take under DATA_DIR/mail/inbound; SMTP answers 452 past it */
  mailDiskQuotaBytes: number;
  smtpMaxConnectionsPerIp: number;
  smtpMessagesPerIpPerHour: number;
  /** attachments of tickets closed longer than this are deleted; null keeps them */
  attachmentRetentionMs: number | null;
  /** worker threads that parse inbound mail; 0: one per CPU */
  mailParseThreads: number;
  /** each mail-parse thread's V8 heap bound (MB; a process --max-old-space-size overrides it); a mail that needs more is failed alone */
  mailParseHeapMb: number;
  /** inbound mails a worker process ingests at once (each sender's mails still in order) */
  mailIngestConcurrency: number;
  /** an inbound mail's job is retried for at least this long before it is dead-lettered */
  mailRetryForMs: number;
  /** the longest wait between two tries of an inbound mail's job */
  mailRetryMaxDelayMs: number;
  publicUrl: string;
  seedDemo: boolean;
  demoPassword: string;
  logLevel: string;
  /** prefix of every Redis key, with a Cluster hash tag: `{aftercare}` */
  queuePrefix: string;
  slaWarningRatio: number;
  slaEscalationStepMs: number;
  /** SLA timer evaluations at once in one workers process (claimed in due order: fewer at once, the earliest breaches out first) */
  slaTimerConcurrency: number;
  /** the on-site target of a work order from dispatch, in the team's business hours (ISO 8601) */
  onSiteTarget: string;
  /** the on-site target of an emergency work order, around the clock */
  onSiteEmergencyTarget: string;
  /** length of a bookable appointment slot (the window of the work order it books) */
  appointmentSlotMs: number;
  /** kept free around an engineer's booked windows for the way between two customers */
  appointmentTravelBufferMs: number;
  /** a booked visit may be moved or cancelled from the portal until this long before it starts */
  appointmentCutoffMs: number;
  /** the company header of service reports */
  companyName: string;
  /** a font file with CJK glyphs for service report PDFs (TTC collections allowed) */
  pdfFont: string;
  /** days a defective part taken out on a report may stay out before it is overdue */
  oldPartReturnDays: number;
  /** the organisation's time zone: warranty (三包) days are counted in its calendar */
  orgTimeZone: string;
  /** AES-256-GCM key of secrets stored in MongoDB (mailbox passwords, WeChat secrets) */
  secretsKey: Buffer;
  /** the WeChat Official Account `default`, when WECHAT_TOKEN is set */
  wechat?: { token: string; appId?: string; secret?: string; aesKey?: string };
  wechatApiBase: string;
  /** the SMS provider adapter and its credentials as a URL; unset: SMS off */
  smsUrl?: string;
  /** bearer token of GET /metrics; unset: metrics are off (404) */
  metricsToken?: string;
  /** the worker process's own metrics port (GET /metrics, same token); 0 picks a free one */
  metricsPort: number;
  /** whose X-Forwarded-For names the client (src/http/client-ip.ts) */
  trustProxy: TrustProxy;
  /** outgoing webhooks may target loopback and private addresses (tests, on-premise ERPs) */
  webhookAllowPrivate: boolean;
  /** failed delivery attempts in a row after which a webhook is disabled (and the admins mailed) */
  webhookDisableAfter: number;
  /** the first retry delay of a failed delivery; it doubles per attempt (at most 6 h) */
  webhookRetryBaseMs: number;
  /** how long a delivery is retried before it is given up */
  webhookRetryForMs: number;
  /** timeout of one delivery attempt, connect to last byte */
  webhookTimeoutMs: number;
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
    sessionSecret: e.SESSION_SECRET ?? persistentSecret(dataDir, 'session-secret'),
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
    mailDiskQuotaBytes: e.MAIL_DISK_QUOTA,
    smtpMaxConnectionsPerIp: e.SMTP_MAX_CONNECTIONS_PER_IP,
    smtpMessagesPerIpPerHour: e.SMTP_MESSAGES_PER_IP_PER_HOUR,
    attachmentRetentionMs: e.ATTACHMENT_RETENTION,
    mailParseThreads: e.MAIL_PARSE_THREADS,
    mailParseHeapMb: e.MAIL_PARSE_HEAP_MB,
    mailIngestConcurrency: e.MAIL_INGEST_CONCURRENCY,
    mailRetryForMs: e.MAIL_RETRY_FOR,
    mailRetryMaxDelayMs: e.MAIL_RETRY_MAX_DELAY,
    publicUrl,
    seedDemo: e.SEED_DEMO,
    demoPassword: e.DEMO_PASSWORD,
    logLevel: e.LOG_LEVEL,
    queuePrefix: e.QUEUE_PREFIX,
    slaWarningRatio: e.SLA_WARNING_RATIO,
    slaEscalationStepMs: e.SLA_ESCALATION_STEP,
    slaTimerConcurrency: e.SLA_TIMER_CONCURRENCY,
    onSiteTarget: e.ONSITE_TARGET,
    onSiteEmergencyTarget: e.ONSITE_EMERGENCY_TARGET,
    appointmentSlotMs: e.APPOINTMENT_SLOT,
    appointmentTravelBufferMs: e.APPOINTMENT_TRAVEL_BUFFER,
    appointmentCutoffMs: e.APPOINTMENT_CUTOFF,
    companyName: e.COMPANY_NAME,
    pdfFont: e.PDF_FONT,
    oldPartReturnDays: e.OLD_PART_RETURN_DAYS,
    orgTimeZone: e.ORG_TIME_ZONE,
    secretsKey: Buffer.from(e.SECRETS_KEY ?? persistentSecret(dataDir, 'secrets-key'), 'hex'),
    wechat: e.WECHAT_TOKEN ? { token: e.WECHAT_TOKEN, appId: e.WECHAT_APPID, secret: e.WECHAT_SECRET, aesKey: e.WECHAT_AES_KEY } : undefined,
    wechatApiBase: e.WECHAT_API_BASE.replace(/\/$/, ''),
    smsUrl: e.SMS_URL,
    metricsToken: e.METRICS_TOKEN,
    metricsPort: e.METRICS_PORT,
    trustProxy: e.TRUST_PROXY,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
    webhookDisableAfter: e.WEBHOOK_DISABLE_AFTER,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE,
    webhookRetryForMs: e.WEBHOOK_RETRY_FOR,
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT,
  });
}

/**
 * SESSION_SECRET or SECRETS_KEY when unset: generated once and kept under DATA_DIR so tokens,
 * links and stored secrets survive restarts.
 */
function persistentSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
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
