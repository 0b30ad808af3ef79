import type { ConversationDoc } from '../domain/conversation';

/** What the channel puts into a turn for the bot: the conversation and where replies go. */
export const CONVERSATION = Symbol('conversation');
export const OUTBOUND = Symbol('outbound');
export const TURN_REPORT = Symbol('turnReport');

export interface OutboundMessage {
  body: string;
  contentSid?: string;
  contentVariables?: string;
  origin?: 'bot' | 'system';
  /** the STOP confirmation may go out after STOP */
  evenIfStopped?: boolean;
}

export interface OutboundCollector {
  add(msg: OutboundMessage): void;
}

export type TurnConversation = ConversationDoc;

/** Actions to run once the turn has committed (publish handoff events, erase). */
export const AFTER_COMMIT = Symbol('afterCommit');
export type AfterCommit = Array<() => Promise<void> | void>;
