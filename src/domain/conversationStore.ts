import type { Channel, ConversationDoc, InboundItem } from './conversation';

/** Queue entry / summary kept outside the (encrypted) documents, so the console lists without decrypting all. */
export interface ConversationSummary {
  id: string;
  channel: Channel;
  status: ConversationDoc['handoff']['status'];
  priority?: string;
  reason?: string;
  queuedAt?: number;
  counsellorId?: string;
  locale?: string;
  country?: string;
  topicsRead: string[];
  stopped: boolean;
  updatedAt: number;
  lastInboundAt?: number;
}

/**
 * The storage port. Adapters: lowdb files (embedded default) and PostgreSQL.
 * Every method that changes a document commits it atomically and durably before it resolves.
 */
export interface ConversationStore {
  /** Insert-if-absent on the MessageSid, in one step with the inbox append. */
  claimInbound(id: string, init: { channel: Channel; address: string }, item: InboundItem): Promise<'accepted' | 'duplicate'>;
  /** Exclusive read-modify-write of one conversation; `fn` returning `{ deleted: true }` semantics via `remove`. */
  /**
   * `overlapFlush`: resolve once the new document is in place and its data flushed, while the last step of the
   * flush (the directory entry) completes concurrently; the next change of the same conversation waits for it.
   * For a change that must be visible before a request leaves (an outbound message marked `sending`).
   */
  update<T>(id: string, fn: (doc: ConversationDoc) => T | Promise<T>, opts?: { overlapFlush?: boolean }): Promise<T>;
  read(id: string): Promise<ConversationDoc | undefined>;
  /**
   * Deletes the conversation and everything of it; resolves with the document as it was at that moment, under the
   * conversation's lock (messages claimed until then included), or undefined if there was none.
   */
  remove(id: string): Promise<ConversationDoc | undefined>;
  /** Rewrites one document unchanged, sealed with the current encryption key (key rotation): `updatedAt` stays. False if absent. */
  reseal(id: string): Promise<boolean>;
  /**
   * Conversations with inbound or outbound work not finished (after a crash, at start). `idleForMs`: only those
   * untouched for that long (the periodic sweep of several instances skips work that is being done right now).
   */
  listPending(opts?: { idleForMs?: number }): Promise<string[]>;
  listSummaries(filter?: { statuses?: string[] }): Promise<ConversationSummary[]>;
  listAllIds(): Promise<string[]>;
  close(): Promise<void>;
}

export function summarize(doc: ConversationDoc): ConversationSummary {
  return {
    id: doc.id, channel: doc.channel, status: doc.handoff.status, priority: doc.handoff.priority, reason: doc.handoff.reason,
    queuedAt: doc.handoff.queuedAt, counsellorId: doc.handoff.counsellorId, locale: doc.locale, country: doc.country,
    topicsRead: doc.topicsRead.slice(-10), stopped: doc.stopped, updatedAt: doc.updatedAt, lastInboundAt: doc.lastInboundAt,
  };
}

export function hasPendingWork(doc: ConversationDoc): boolean {
  return doc.inbox.length > 0 || doc.outbox.some((o) => o.state === 'pending' || o.state === 'sending');
}
