/** One record of botbuilder state, as botbuilder's Storage keeps it (a plain object with an optional eTag). */
export interface StateItem {
  // botbuilder's StoreItem: any value under any key
  [key: string]: any;
  eTag?: string;
}

/** Plain data of one conversation, kept together so a turn commits state, inbox and outbox in one write. */
export type Channel = 'sms' | 'whatsapp';
export type HandoffStatus = 'bot' | 'queued' | 'with_counsellor' | 'closed';
export type Priority = 'urgent' | 'high' | 'normal';

export interface InboundItem {
  sid: string;
  body: string;
  numMedia: number;
  receivedAt: number;
  /** the raw Twilio form, minus the sender address (that is kept once, in `address`) */
  payload: Record<string, string>;
}

export type OutboundState = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'unconfirmed';
export type OutboundOrigin = 'bot' | 'counsellor' | 'system';

export interface OutboundItem {
  id: string;
  origin: OutboundOrigin;
  body?: string;
  contentSid?: string;
  contentVariables?: string;
  state: OutboundState;
  /** token in this message's StatusCallback URL */
  token: string;
  createdAt: number;
  attempts: number;
  nextAttemptAt?: number;
  sendingSince?: number;
  twilioSid?: string;
  deliveryStatus?: string;
  deliveryRank?: number;
  errorCode?: number;
  error?: string;
  /** allowed to go out after STOP (the STOP confirmation itself) */
  evenIfStopped?: boolean;
  author?: string;
}

export interface TranscriptEntry {
  at: number;
  kind: 'user' | 'bot' | 'counsellor' | 'system' | 'note';
  text: string;
  outboundId?: string;
  author?: string;
  event?: string;
}

export interface HandoffState {
  status: HandoffStatus;
  priority?: Priority;
  reason?: string;
  queuedAt?: number;
  counsellorId?: string;
  claimedAt?: number;
  pendingMenuConfirm?: boolean;
}

export interface ConversationDoc {
  id: string;
  channel: Channel;
  address: string;
  createdAt: number;
  updatedAt: number;
  lastInboundAt?: number;
  locale?: string;
  country?: string;
  topicsRead: string[];
  stopped: boolean;
  handoff: HandoffState;
  /** botbuilder state, keyed like any botbuilder Storage */
  state: Record<string, StateItem>;
  inbox: InboundItem[];
  /** recently seen MessageSids (bounded): redeliveries are acknowledged and ignored */
  seenSids: string[];
  outbox: OutboundItem[];
  transcript: TranscriptEntry[];
  /** every Twilio message SID of this user, in and out: erased at Twilio too on DELETE */
  twilioSids: string[];
  seq: number;
}

export function newConversation(id: string, channel: Channel, address: string, now: number): ConversationDoc {
  return {
    id, channel, address, createdAt: now, updatedAt: now, topicsRead: [], stopped: false,
    handoff: { status: 'bot' }, state: {}, inbox: [], seenSids: [], outbox: [], transcript: [], twilioSids: [], seq: 0,
  };
}

export const SEEN_SIDS_KEPT = 500;

/** Takes a claimed inbound message into the document: its inbox, the bounded list of seen sids, its Twilio SIDs. */
export function appendInbound(doc: ConversationDoc, item: InboundItem): void {
  doc.inbox.push(item);
  doc.seenSids.push(item.sid);
  if (doc.seenSids.length > SEEN_SIDS_KEPT) doc.seenSids.splice(0, doc.seenSids.length - SEEN_SIDS_KEPT);
  doc.twilioSids.push(item.sid);
  doc.lastInboundAt = item.receivedAt;
}
export const TRANSCRIPT_KEPT = 2000;
