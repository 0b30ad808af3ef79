/** The part of Twilio's Messages API the bot uses; the real SDK in production, a recorder in dry-run. */
export interface CreateMessage {
  to: string;
  from: string;
  body?: string;
  contentSid?: string;
  contentVariables?: string;
  statusCallback?: string;
}

export interface SentMessage {
  sid: string;
  status: string;
}

export interface FoundMessage {
  sid: string;
  body: string;
  status: string;
  to: string;
}

export interface MessagesApi {
  create(msg: CreateMessage): Promise<SentMessage>;
  /** Messages sent to `to` from `from` since `since` (for reconciling an ambiguous send). */
  findSent(q: { to: string; from: string; since: Date }): Promise<FoundMessage[]>;
  remove(sid: string): Promise<void>;
}

/** Twilio answered 429 or 5xx: nothing was accepted, retrying is safe. */
export class TransientSendError extends Error {
  constructor(readonly status: number, readonly retryAfterMs: number | undefined) {
    super(`Twilio answered ${status}`);
    this.name = 'TransientSendError';
  }
}

/** Twilio refused the message for good (4xx with an error code). */
export class PermanentSendError extends Error {
  constructor(readonly status: number, readonly code: number | undefined, message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** The request may or may not have reached Twilio (reset or timeout after sending): never re-send blindly. */
export class AmbiguousSendError extends Error {
  constructor(override readonly cause: unknown) {
    super(`send outcome unknown: ${(cause as Error)?.message ?? cause}`);
    this.name = 'AmbiguousSendError';
  }
}

/** The request certainly did not leave (connection refused, DNS): retrying is safe. */
export class NotSentError extends Error {
  constructor(override readonly cause: unknown) {
    super(`not sent: ${(cause as Error)?.message ?? cause}`);
    this.name = 'NotSentError';
  }
}

export const UNSUBSCRIBED = 21610;
export const PERMANENT_CODES: Record<number, string> = {
  21610: 'recipient unsubscribed (STOP)',
  21211: 'invalid phone number',
  21614: 'not a mobile number',
  21408: 'region not enabled',
  63016: 'outside the WhatsApp 24-hour window',
  63003: 'WhatsApp channel could not find the destination',
};
