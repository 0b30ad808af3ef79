import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout in every mode; pretty only when asked for. Phone numbers and message text never reach
 * a log: callers log pseudonymous ids only, and these paths are redacted as a second line of defence.
 */
export const REDACT_PATHS = [
  'From', 'To', 'Body', 'body', 'text', 'address', 'from', 'to', 'phone', 'WaId', 'ProfileName',
  '*.From', '*.To', '*.Body', '*.body', '*.text', '*.address', '*.from', '*.to', '*.phone', '*.WaId', '*.ProfileName',
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-twilio-signature"]',
];

export function createLogger(opts: { level: string; pretty: boolean }, destination?: pino.DestinationStream): Logger {
  const base: pino.LoggerOptions = {
    level: opts.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  };
  if (opts.pretty && !destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 1 } } });
  }
  return pino(base, destination ?? pino.destination({ dest: 1, sync: true }));
}
