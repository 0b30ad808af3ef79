/**
 * The port the conversation core delivers through: a channel (Twilio SMS and WhatsApp today) knows how to address
 * a conversation, send, look a sent message up, delete one, and what its refusal codes mean. The core owns the
 * outbox, ordering, retries and reconciliation; a channel is a thin translator behind this interface.
 */
export interface Route {
  to: string;
  from: string;
}

export interface OutgoingMessage {
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

export interface ChannelSender {
  /** where a conversation's messages go, and from which sender; undefined when no sender is configured for it */
  route(conversation: { channel: string; address: string }): Route | undefined;
  send(route: Route, msg: OutgoingMessage): Promise<SentMessage>;
  /** messages sent on this route since `since` (for reconciling an ambiguous send) */
  findSent(route: Route, since: Date): Promise<FoundMessage[]>;
  remove(sid: string): Promise<void>;
  /** a refusal code in words, and whether it means the user unsubscribed (STOP at the carrier) */
  describeFailure(code: number): { reason: string; unsubscribed: boolean };
}

/** The channel answered 429 or 5xx: nothing was accepted, retrying is safe. */
export class TransientSendError extends Error {
  constructor(readonly status: number, readonly retryAfterMs: number | undefined) {
    super(`the channel answered ${status}`);
    this.name = 'TransientSendError';
  }
}

/** The channel refused the message for good (4xx with an error code). */
export class PermanentSendError extends Error {
  constructor(readonly status: number, readonly code: number | undefined, message: string) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** The request may or may not have reached the channel (reset or timeout after sending): never re-send blindly. */
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
