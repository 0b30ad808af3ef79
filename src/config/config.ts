import { envSchema, type Env } from './schema';
import { parseOfficeHours, type OfficeHours } from './officeHours';

export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  /** Base URL Twilio calls; signatures are validated against it, never against request headers. */
  publicUrl: string | undefined;
  twilio: {
    accountSid: string | undefined;
    authToken: string | undefined;
    smsNumber: string | undefined;
    whatsappNumber: string | undefined;
    apiBaseUrl: string | undefined;
    /** per language: `lists` maps an item count to a twilio/list-picker template; `reopen` re-opens the 24-hour window */
    contentSids: Record<string, { lists?: Record<string, string>; reopen?: string }>;
  };
  /** True when no Twilio credentials are configured: replies are recorded, not sent. */
  dryRun: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  pseudonymKey: string | undefined;
  dataEncryptionKey: string | undefined;
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  retentionDays: number;
  discreetMode: boolean;
  simulatorEnabled: boolean;
  officeHours: OfficeHours;
  handoffWaitMinutes: number;
  userMessagesPerMinute: number;
  turnConcurrency: number;
  maxBodyBytes: number;
}

/** Twilio's magic test number, used as the sender in dry-run mode */
export const DRY_RUN_NUMBER = '+15005550006';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Checks the environment against the one schema; throws one ConfigError naming every bad key. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(source);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  let contentSids: Config['twilio']['contentSids'] = {};
  if (e.WHATSAPP_CONTENT_SIDS) {
    try {
      contentSids = JSON.parse(e.WHATSAPP_CONTENT_SIDS);
    } catch {
      problems.push('WHATSAPP_CONTENT_SIDS: must be JSON like {"en":{"lists":{"3":"HX..."},"reopen":"HX..."}}');
    }
  }
  let officeHours: OfficeHours | undefined;
  try {
    officeHours = parseOfficeHours(e.OFFICE_HOURS, e.OFFICE_TIMEZONE);
  } catch (err) {
    problems.push(`OFFICE_HOURS/OFFICE_TIMEZONE: ${(err as Error).message}`);
  }
  const hasSid = !!e.TWILIO_ACCOUNT_SID;
  const hasToken = !!e.TWILIO_AUTH_TOKEN;
  if (hasSid !== hasToken) problems.push('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN: set both, or neither for dry-run mode');
  const dryRun = !(hasSid && hasToken);
  if (!dryRun && !e.TWILIO_SMS_NUMBER && !e.TWILIO_WHATSAPP_NUMBER) {
    problems.push('TWILIO_SMS_NUMBER or TWILIO_WHATSAPP_NUMBER: at least one sender is needed with Twilio credentials');
  }
  if (e.NODE_ENV === 'production') {
    if (!e.PSEUDONYM_KEY) problems.push('PSEUDONYM_KEY: required in production');
    if (!e.DATA_ENCRYPTION_KEY) problems.push('DATA_ENCRYPTION_KEY: required in production');
    if (dryRun) problems.push('TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN: required in production (dry-run is for development)');
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      authToken: e.TWILIO_AUTH_TOKEN,
      // dry-run needs no real number: Twilio's test number stands in, so the local chat and simulator work
      smsNumber: e.TWILIO_SMS_NUMBER ?? (dryRun ? DRY_RUN_NUMBER : undefined),
      whatsappNumber: e.TWILIO_WHATSAPP_NUMBER ?? (dryRun ? DRY_RUN_NUMBER : undefined),
      apiBaseUrl: e.TWILIO_API_BASE_URL?.replace(/\/+$/, ''),
      contentSids,
    },
    dryRun,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    pseudonymKey: e.PSEUDONYM_KEY,
    dataEncryptionKey: e.DATA_ENCRYPTION_KEY,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
    retentionDays: e.RETENTION_DAYS,
    discreetMode: e.DISCREET_MODE,
    simulatorEnabled: e.SIMULATOR_ENABLED ?? e.NODE_ENV !== 'production',
    officeHours: officeHours!,
    handoffWaitMinutes: e.HANDOFF_WAIT_MINUTES,
    userMessagesPerMinute: e.USER_MESSAGES_PER_MINUTE,
    turnConcurrency: e.TURN_CONCURRENCY,
    maxBodyBytes: e.MAX_BODY_BYTES,
  };
}

/** The only reader of process.env. */
export function loadConfigFromProcess(): Config {
  return loadConfig(process.env);
}
