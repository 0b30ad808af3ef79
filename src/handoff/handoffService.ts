import { EventEmitter } from 'node:events';
import type { ConversationDoc, HandoffStatus, OutboundItem, Priority } from '../domain/conversation';
import type { ConversationStore } from '../domain/conversationStore';
import { isNotFound } from '../domain/errors';

/** Bot Framework handoff vocabulary: `handoff.initiate` starts it; `handoff.status` reports accepted/failed/completed. */
export interface HandoffEvent {
  name: 'handoff.initiate' | 'handoff.status';
  conversationId: string;
  from: HandoffStatus;
  to: HandoffStatus;
  state?: 'accepted' | 'failed' | 'completed' | 'transferred' | 'left';
  priority?: Priority;
  reason?: string;
  counsellorId?: string;
  at: number;
}

const ALLOWED: Record<HandoffStatus, HandoffStatus[]> = {
  bot: ['queued'],
  closed: ['queued'],
  queued: ['with_counsellor', 'bot', 'closed', 'queued'],
  with_counsellor: ['bot', 'closed', 'with_counsellor'],
};

export class HandoffError extends Error {
  constructor(message: string, readonly code: 'not_found' | 'invalid' | 'taken' | 'forbidden', readonly owner?: string) {
    super(message);
    this.name = 'HandoffError';
  }
}

/** queue order: urgent first (the console lists the queue in this order too) */
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 3, high: 2, normal: 1 };

/** Says something to the user in their language through the conversation's outbox (set by the bot layer). */
export type Notifier = (doc: ConversationDoc, key: string, origin: OutboundItem['origin']) => void;

/**
 * The one place a conversation's handoff status changes: `bot -> queued -> with_counsellor -> bot | closed`.
 * Every change is announced as an event (console live view, logs) after it is committed. A claim cancels any bot
 * message not yet sent, in the same atomic update, so the bot never speaks once a counsellor owns the chat.
 */
export class HandoffService extends EventEmitter {
  private notifier?: Notifier;

  constructor(private readonly store: ConversationStore, private readonly now: () => number = Date.now) {
    super();
    if (!store) throw new Error('HandoffService: a store is required');
  }

  setNotifier(n: Notifier): void {
    this.notifier = n;
  }

  publish(events: HandoffEvent[]): void {
    for (const e of events) this.emit('event', e);
  }

  private transition(doc: ConversationDoc, to: HandoffStatus, extra: Partial<HandoffEvent> = {}): HandoffEvent {
    const from = doc.handoff.status;
    if (!ALLOWED[from].includes(to)) throw new HandoffError(`HandoffService: cannot go from ${from} to ${to}`, 'invalid');
    doc.handoff.status = to;
    return { name: to === 'queued' && from !== 'queued' ? 'handoff.initiate' : 'handoff.status', conversationId: doc.id, from, to, at: this.now(), ...extra };
  }

  /** Inside a turn (the conversation is already locked): queue it, or raise the priority if already queued. */
  queueInTurn(doc: ConversationDoc, h: { priority: Priority; reason: string }): HandoffEvent[] {
    const st = doc.handoff.status;
    if (st === 'with_counsellor') return [];
    if (st === 'queued') {
      if (PRIORITY_RANK[h.priority] <= PRIORITY_RANK[doc.handoff.priority ?? 'normal']) return [];
      doc.handoff.priority = h.priority;
      doc.handoff.reason = h.reason;
      return [this.transition(doc, 'queued', { priority: h.priority, reason: h.reason })];
    }
    doc.handoff = { status: doc.handoff.status, priority: h.priority, reason: h.reason, queuedAt: this.now() };
    return [this.transition(doc, 'queued', { priority: h.priority, reason: h.reason })];
  }

  /** Inside a turn: the user confirmed MENU while waiting, back to the bot. */
  leaveQueueInTurn(doc: ConversationDoc): HandoffEvent[] {
    if (doc.handoff.status !== 'queued') return [];
    const e = this.transition(doc, 'bot', { state: 'left' });
    doc.handoff = { status: 'bot' };
    return [e];
  }

  /** Exactly one winner: the check and the change happen under the conversation lock. */
  async claim(id: string, counsellorId: string): Promise<HandoffEvent> {
    const e = await this.change(id, (doc) => {
      if (doc.handoff.status === 'with_counsellor') throw new HandoffError('already claimed', 'taken', doc.handoff.counsellorId);
      if (doc.handoff.status !== 'queued') throw new HandoffError(`not waiting (${doc.handoff.status})`, 'invalid');
      const ev = this.transition(doc, 'with_counsellor', { state: 'accepted', counsellorId });
      doc.handoff.counsellorId = counsellorId;
      doc.handoff.claimedAt = this.now();
      for (const o of doc.outbox) if (o.origin === 'bot' && o.state === 'pending') { o.state = 'cancelled'; o.error = 'a counsellor took over'; }
      this.notifier?.(doc, 'handoff.accepted', 'counsellor');
      return ev;
    });
    return e;
  }

  async transfer(id: string, fromCounsellor: string | null, toCounsellor: string): Promise<HandoffEvent> {
    return this.change(id, (doc) => {
      if (doc.handoff.status !== 'with_counsellor') throw new HandoffError('not with a counsellor', 'invalid');
      if (fromCounsellor && doc.handoff.counsellorId !== fromCounsellor) throw new HandoffError('not yours', 'forbidden', doc.handoff.counsellorId);
      const ev = this.transition(doc, 'with_counsellor', { state: 'transferred', counsellorId: toCounsellor });
      doc.handoff.counsellorId = toCounsellor;
      return ev;
    });
  }

  /** Back to the bot (`completed`); the user is told in their language. */
  async release(id: string, counsellorId: string | null): Promise<HandoffEvent> {
    return this.finish(id, counsellorId, 'bot', 'handoff.released');
  }

  /** Closed by the counsellor (`completed`); the user is told, and the bot answers again. */
  async close(id: string, counsellorId: string | null): Promise<HandoffEvent> {
    return this.finish(id, counsellorId, 'closed', 'handoff.closed');
  }

  private finish(id: string, counsellorId: string | null, to: 'bot' | 'closed', key: string): Promise<HandoffEvent> {
    return this.change(id, (doc) => {
      if (counsellorId && doc.handoff.status === 'with_counsellor' && doc.handoff.counsellorId !== counsellorId) {
        throw new HandoffError('not yours', 'forbidden', doc.handoff.counsellorId);
      }
      const ev = this.transition(doc, to, { state: 'completed', counsellorId: counsellorId ?? undefined });
      doc.handoff = { status: to };
      this.notifier?.(doc, key, 'system');
      return ev;
    });
  }

  private async change(id: string, fn: (doc: ConversationDoc) => HandoffEvent): Promise<HandoffEvent> {
    let event: HandoffEvent;
    try {
      event = await this.store.update(id, fn);
    } catch (err) {
      if (isNotFound(err)) throw new HandoffError('no such conversation', 'not_found');
      throw err;
    }
    this.publish([event]);
    return event;
  }
}
