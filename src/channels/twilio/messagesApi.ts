import type { FoundMessage, SentMessage } from '../../conversation/channelSender';

/** The part of Twilio's Messages API the bot uses; the real SDK in production, a recorder in dry-run. */
export interface CreateMessage {
  to: string;
  from: string;
  body?: string;
  contentSid?: string;
  contentVariables?: string;
  statusCallback?: string;
}

export interface MessagesApi {
  create(msg: CreateMessage): Promise<SentMessage>;
  /** Messages sent to `to` from `from` since `since` (for reconciling an ambiguous send). */
  findSent(q: { to: string; from: string; since: Date }): Promise<FoundMessage[]>;
  remove(sid: string): Promise<void>;
}

/** Twilio error codes that refuse a message for good, in words. */
export const UNSUBSCRIBED = 21610;
export const PERMANENT_CODES: Record<number, string> = {
  21610: 'recipient unsubscribed (STOP)',
  21211: 'invalid phone number',
  21614: 'not a mobile number',
  21408: 'region not enabled',
  63016: 'outside the WhatsApp 24-hour window',
  63003: 'WhatsApp channel could not find the destination',
};
