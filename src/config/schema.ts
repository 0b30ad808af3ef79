import { z } from 'zod';

/**
 * The whole environment of the process, documented key by key. `.env.example` lists the same keys
 * (a unit test keeps the two in sync). Nothing else in the code base reads `process.env`.
 */
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number like +15005550006');
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  PUBLIC_URL: optionalString.pipe(z.string().url().optional()),
  TWILIO_ACCOUNT_SID: optionalString.pipe(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_SMS_NUMBER: optionalString.pipe(e164.optional()),
  TWILIO_WHATSAPP_NUMBER: optionalString.pipe(e164.optional()),
  TWILIO_API_BASE_URL: optionalString.pipe(z.string().url().optional()),
  WHATSAPP_CONTENT_SIDS: optionalString,
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional()),
  PSEUDONYM_KEY: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DATA_ENCRYPTION_KEY: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  DISCREET_MODE: bool.default(false),
  SIMULATOR_ENABLED: bool.optional(),
  OFFICE_HOURS: z.string().default('mon-fri 09:00-17:00'),
  OFFICE_TIMEZONE: z.string().default('UTC'),
  HANDOFF_WAIT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  TURN_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1048576).default(65536),
  USER_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(10),
});

export type Env = z.infer<typeof envSchema>;

/** What every key means, one line each: the source of `.env.example` and of the README table. */
export const envDocs: Record<keyof Env, string> = {
  NODE_ENV: 'development | test | production; production refuses to start without PSEUDONYM_KEY and DATA_ENCRYPTION_KEY',
  PORT: 'HTTP port (default 3978)',
  PUBLIC_URL: 'public base URL Twilio calls; signatures are checked against it (default http://localhost:$PORT)',
  TWILIO_ACCOUNT_SID: 'Twilio account SID (AC...); without it and the token the bot runs in dry-run mode',
  TWILIO_AUTH_TOKEN: 'Twilio auth token: signs webhooks and authenticates REST calls',
  TWILIO_SMS_NUMBER: 'E.164 sender number for SMS, e.g. +15005550006',
  TWILIO_WHATSAPP_NUMBER: 'E.164 WhatsApp sender, without the whatsapp: prefix',
  TWILIO_API_BASE_URL: 'optional: every request the twilio SDK makes goes to this base instead of Twilio (sandboxes, tests)',
  WHATSAPP_CONTENT_SIDS: 'optional JSON {"<lng>":{"lists":{"<items>":"HX..."},"reopen":"HX..."}}: WhatsApp Content API templates per language',
  DATA_DIR: 'where the embedded store keeps its files (default ./data)',
  DATABASE_URL: 'optional postgres:// URL: every store moves to PostgreSQL (several instances)',
  PSEUDONYM_KEY: 'secret for the HMAC that turns a phone number into a conversation id; generated into DATA_DIR outside production',
  DATA_ENCRYPTION_KEY: 'AES-256-GCM keys as "<id>:<64 hex>[,<id>:<64 hex>...]", first one encrypts; generated into DATA_DIR outside production',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace or silent (default info)',
  LOG_PRETTY: 'true to pretty-print logs for a human (default false: JSON lines)',
  RETENTION_DAYS: 'conversations untouched for this many days are purged (default 90)',
  DISCREET_MODE: 'true: first message and menus avoid words that endanger someone whose phone is read by others',
  SIMULATOR_ENABLED: 'serve /simulator (default: on outside production, off in production)',
  OFFICE_HOURS: 'counsellor hours, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00"',
  OFFICE_TIMEZONE: 'IANA time zone of OFFICE_HOURS, e.g. Africa/Tripoli (default UTC)',
  HANDOFF_WAIT_MINUTES: 'usual waiting time for a counsellor, told to users (default 30)',
  TURN_CONCURRENCY: 'bot turns running at once across conversations (default 32)',
  MAX_BODY_BYTES: 'largest webhook body accepted; larger gets 413 (default 65536)',
  USER_MESSAGES_PER_MINUTE: 'messages one user may send in a minute before the bot answers only one short notice (emergencies always answered; default 10)',
};
