import type { ConversationDoc, OutboundItem } from '../domain/conversation';
import type { ConversationStore } from '../domain/conversationStore';
import type { Logger } from '../logging/logger';
import {
  AmbiguousSendError, NotSentError, PermanentSendError, TransientSendError,
  type ChannelSender, type FoundMessage, type Route,
} from './channelSender';
import { isNotFound } from '../domain/errors';

export interface SenderOptions {
  store: ConversationStore;
  /** the channel the messages go through (addressing, send, look-up, refusal codes) */
  channel: ChannelSender;
  logger: Logger;
  /** builds this message's StatusCallback URL (undefined: no callbacks, e.g. no public URL) */
  statusCallbackUrl: (conversationId: string, token: string) => string | undefined;
  now?: () => number;
  backoff?: { baseMs: number; maxMs: number };
  /** how long an ambiguous send waits for its status callback before looking the message up */
  reconcileAfterMs?: number;
  /**
   * other processes share the store (PostgreSQL): a `sending` message may be another live instance's request in
   * flight, so it is reconciled only once older than reconcileAfterMs, never at once as "from an earlier process"
   */
  sharedStore?: boolean;
  onEvent?: (e: { type: 'outbound'; conversationId: string; item: OutboundItem }) => void;
}

type Outcome = (doc: ConversationDoc, it: OutboundItem) => void;

type Step =
  | { kind: 'idle' }
  | { kind: 'wait'; ms: number }
  | { kind: 'send'; item: OutboundItem; route: Route }
  | { kind: 'reconcile'; item: OutboundItem; route: Route; waitMs: number }
  | { kind: 'again' };

/** what the drain loop acts on: `again` (a message cancelled or failed by a gate) is resolved inside the write */
type NextStep = Exclude<Step, { kind: 'again' }>;

/** A send a turn prepared in its own write; see OutboundSender.prepareInTurn. */
export interface PreparedSend {
  id: string;
  step: Extract<Step, { kind: 'send' }>;
}

/**
 * Delivers each conversation's outbox in order, one message at a time, through the Messages API.
 * Every message is stored before it is sent (the turn commits it); a message is marked `sending` durably
 * before the request, so after a crash or an ambiguous failure it is reconciled (status callback, then a
 * look-up at Twilio) instead of being sent twice.
 */
export class OutboundSender {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  /** conversations whose next send a turn has prepared and not yet committed */
  private readonly reserved = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /**
   * Tokens of the messages this sender marked `sending` and has not settled. On a store no other process shares,
   * a `sending` message not in it was left by an earlier process (or an earlier sender on the same files): no
   * request of it is in flight, so it is reconciled at once. (The process start time compared with `sendingSince`
   * did this before; it breaks when the clock steps back or `now` is not the wall clock.)
   */
  private readonly mine = new Set<string>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly o: SenderOptions) {
    if (!o.store || !o.channel || !o.logger) throw new Error('OutboundSender: store, channel and logger are required');
    this.now = o.now ?? Date.now;
  }

  /** Makes sure the conversation's outbox is being delivered. */
  kick(id: string): void {
    if (this.closed) return;
    const t = this.timers.get(id);
    if (t) {
      clearTimeout(t);
      this.timers.delete(id);
    }
    if (this.running.has(id) || this.reserved.has(id)) {
      this.again.add(id);
      return;
    }
    this.start(id);
  }

  /**
   * Called by a turn, inside its update: marks the conversation's next message `sending` in the turn's own write
   * (one durable write less per reply) and reserves the conversation's delivery for this sender. After the commit
   * the caller hands the result to `startPrepared`, or to `abandonPrepared` if the commit failed. Undefined when
   * there is nothing to send now or a delivery is already running.
   */
  prepareInTurn(doc: ConversationDoc): PreparedSend | undefined {
    if (this.closed || this.running.has(doc.id) || this.reserved.has(doc.id)) return undefined;
    const step = this.chooseNext(doc);
    if (step.kind !== 'send') return undefined;
    this.reserved.add(doc.id);
    return { id: doc.id, step };
  }

  startPrepared(p: PreparedSend): void {
    this.reserved.delete(p.id);
    if (this.closed) return; // `sending` is stored: the next start reconciles it
    this.again.delete(p.id);
    this.start(p.id, p.step);
  }

  /** The turn that prepared a send did not commit: nothing was marked, nothing goes out. */
  abandonPrepared(p: PreparedSend): void {
    this.reserved.delete(p.id);
    this.mine.delete(p.step.item.token);
    this.again.delete(p.id);
    this.kick(p.id);
  }

  private start(id: string, first?: NextStep): void {
    const run = this.drain(id, first)
      .catch((err) => this.o.logger.error({ err, conversation: id }, 'OutboundSender.drain(): failed'))
      .finally(() => {
        this.running.delete(id);
        if (this.again.delete(id)) this.kick(id);
      });
    this.running.set(id, run);
  }

  /** Waits for deliveries in flight; stops scheduling new ones. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running.values()]);
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  private later(id: string, ms: number): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      this.timers.delete(id);
      this.kick(id);
    }, Math.max(5, ms));
    t.unref?.();
    this.timers.set(id, t);
  }

  private async drain(id: string, first?: NextStep): Promise<void> {
    let step = first ?? await this.nextStep(id);
    for (let guard = 0; guard < 10000 && !this.closed; guard++) {
      if (step.kind === 'idle') return;
      if (step.kind === 'wait') return this.later(id, step.ms);
      if (step.kind === 'reconcile') {
        if (step.waitMs > 0) return this.later(id, step.waitMs);
        await this.reconcile(id, step.item, step.route);
        step = await this.nextStep(id);
        continue;
      }
      // the outcome of this send and the `sending` mark of the next message share one write
      step = await this.nextStep(id, { itemId: step.item.id, fn: await this.send(id, step.item, step.route) });
    }
  }

  /**
   * Under the conversation lock: record the outcome of the previous send, if any, then choose the next message,
   * apply the gates, and mark it `sending`. `sending` must be on disk before the request leaves, so a crash is
   * reconciled and never re-sent blindly; the directory fsync finishing that flush overlaps with the request.
   */
  private nextStep(id: string, outcome?: { itemId: string; fn: Outcome }): Promise<NextStep> {
    return this.o.store
      .update(id, (doc): NextStep => {
        if (outcome) this.settle(doc, outcome.itemId, outcome.fn);
        return this.chooseNext(doc);
      }, { overlapFlush: true })
      .catch((err) => {
        if (isNotFound(err)) return { kind: 'idle' } as NextStep; // erased meanwhile
        throw err;
      });
  }

  /** The next step past messages the gates cancel or fail, all in the same write (each `again` settles one message, so this ends). */
  private chooseNext(doc: ConversationDoc): NextStep {
    for (;;) {
      const step = this.choose(doc);
      if (step.kind !== 'again') return step;
    }
  }

  /** The next step for a conversation's outbox; marks the chosen message `sending` (the caller writes the doc). */
  private choose(doc: ConversationDoc): Step {
    const item = doc.outbox.find((o) => o.state === 'pending' || o.state === 'sending');
    if (!item) {
      pruneOutbox(doc);
      return { kind: 'idle' };
    }
    const route = this.o.channel.route(doc);
    if (!route) {
      fail(item, undefined, `no ${doc.channel} sender configured`);
      return { kind: 'again' };
    }
    if (item.state === 'sending') {
      // a send whose outcome we do not know: from before a crash, or a reset/timeout
      const since = item.sendingSince ?? 0;
      const fromEarlierProcess = !this.o.sharedStore && !this.mine.has(item.token);
      const waitMs = fromEarlierProcess ? 0 : since + (this.o.reconcileAfterMs ?? 10000) - this.now();
      return { kind: 'reconcile', item: { ...item }, route, waitMs };
    }
    if (doc.stopped && !item.evenIfStopped) {
      cancel(item, 'user stopped messages');
      return { kind: 'again' };
    }
    if (item.origin === 'bot' && doc.handoff.status === 'with_counsellor') {
      cancel(item, 'a counsellor owns the conversation');
      return { kind: 'again' };
    }
    if (item.nextAttemptAt && item.nextAttemptAt > this.now()) return { kind: 'wait', ms: item.nextAttemptAt - this.now() };
    item.state = 'sending';
    item.sendingSince = this.now();
    item.attempts += 1;
    this.mine.add(item.token);
    return { kind: 'send', item: { ...item }, route };
  }

  /** Sends one message; returns what to record (the caller writes it together with the next step). */
  private async send(id: string, item: OutboundItem, route: Route): Promise<Outcome> {
    try {
      const res = await this.o.channel.send(route, {
        body: item.contentSid ? undefined : item.body, contentSid: item.contentSid,
        contentVariables: item.contentVariables, statusCallback: this.o.statusCallbackUrl(id, item.token),
      });
      this.o.logger.debug({ conversation: id, outbound: item.id }, 'message accepted by the channel');
      return (doc, it) => markSent(doc, it, res.sid, res.status);
    } catch (err) {
      return this.failureOutcome(id, item, err);
    }
  }

  private failureOutcome(id: string, item: OutboundItem, err: unknown): Outcome {
    if (err instanceof TransientSendError || err instanceof NotSentError) {
      const b = this.o.backoff ?? { baseMs: 500, maxMs: 60000 };
      const exp = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(item.attempts - 1, 16));
      const jittered = exp / 2 + Math.random() * (exp / 2);
      const delay = Math.max(jittered, err instanceof TransientSendError ? err.retryAfterMs ?? 0 : 0);
      this.o.logger.warn({ conversation: id, outbound: item.id, attempt: item.attempts, status: (err as TransientSendError).status, delayMs: Math.round(delay) }, 'send failed, will retry');
      return (_doc, it) => {
        it.state = 'pending';
        it.sendingSince = undefined;
        it.nextAttemptAt = this.now() + delay;
      };
    }
    if (err instanceof PermanentSendError) {
      this.o.logger.warn({ conversation: id, outbound: item.id, code: err.code, status: err.status }, 'send refused by the channel');
      return (doc, it) => {
        const failure = err.code ? this.o.channel.describeFailure(err.code) : undefined;
        fail(it, err.code, failure?.reason ?? err.message);
        if (failure?.unsubscribed) doc.stopped = true;
      };
    }
    const ambiguous = err instanceof AmbiguousSendError ? err : new AmbiguousSendError(err);
    this.o.logger.warn({ conversation: id, outbound: item.id, reason: String((ambiguous.cause as Error)?.message ?? '') }, 'send outcome unknown, reconciling');
    return () => undefined; // stays `sending`: the next step reconciles it
  }

  /**
   * Decide an ambiguous send: a status callback may have settled it; else look it up at Twilio. Only a message
   * not yet attributed to another outbound item can be this one: the same text (a menu) is often sent twice.
   */
  private async reconcile(id: string, item: OutboundItem, route: Route): Promise<void> {
    let candidates: FoundMessage[];
    try {
      const since = new Date((item.sendingSince ?? item.createdAt) - 5 * 60_000);
      candidates = (await this.o.channel.findSent(route, since)).filter((m) => (item.body ?? '') === m.body);
    } catch (err) {
      // Twilio cannot tell us: keep the message rather than risk a duplicate, and show it as unconfirmed
      this.o.logger.warn({ conversation: id, outbound: item.id }, 'reconcile look-up failed; marking unconfirmed');
      return this.apply(id, item.id, (_doc, it) => {
        if (it.state === 'sending') {
          it.state = 'unconfirmed';
          it.error = 'delivery could not be confirmed after a connection failure';
        }
      });
    }
    await this.apply(id, item.id, (doc, it) => {
      if (it.state !== 'sending') return; // a status callback settled it meanwhile
      const found = candidates.find((m) => !doc.twilioSids.includes(m.sid) && !doc.outbox.some((o) => o.twilioSid === m.sid));
      if (found) markSent(doc, it, found.sid, found.status);
      else {
        it.state = 'pending'; // Twilio never received it: sending again cannot duplicate
        it.sendingSince = undefined;
      }
    });
  }

  /**
   * A status callback for the message carrying `token`. Safe against callbacks out of order: a status never moves
   * a message back. A callback also settles an ambiguous send (it proves Twilio has the message).
   */
  async recordStatus(id: string, token: string, cb: { sid: string; status: string; errorCode?: number }): Promise<boolean> {
    let known = false;
    await this.o.store
      .update(id, (doc) => {
        const it = doc.outbox.find((o) => o.token === token);
        if (!it) return;
        known = true;
        if (it.state === 'sending' || it.state === 'unconfirmed' || it.state === 'pending') markSent(doc, it, cb.sid, cb.status);
        this.mine.delete(it.token);
        const rank = STATUS_RANK[cb.status] ?? 0;
        if (rank > (it.deliveryRank ?? 0)) {
          it.deliveryRank = rank;
          it.deliveryStatus = cb.status;
          if ((cb.status === 'failed' || cb.status === 'undelivered') && cb.errorCode) {
            it.errorCode = cb.errorCode;
            const failure = this.o.channel.describeFailure(cb.errorCode);
            it.error = failure.reason;
            if (failure.unsubscribed) doc.stopped = true;
          }
        }
        this.o.onEvent?.({ type: 'outbound', conversationId: id, item: { ...it } });
      })
      .catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    if (known) this.kick(id);
    return known;
  }

  private async apply(id: string, itemId: string, fn: Outcome): Promise<void> {
    await this.o.store
      .update(id, (doc) => this.settle(doc, itemId, fn))
      .catch((err) => {
        if (!isNotFound(err)) throw err;
      });
  }

  /** Records an outcome on the message `itemId` (inside an update). */
  private settle(doc: ConversationDoc, itemId: string, fn: Outcome): void {
    const it = doc.outbox.find((o) => o.id === itemId);
    if (!it) return;
    fn(doc, it);
    if (it.state !== 'sending') this.mine.delete(it.token);
    this.o.onEvent?.({ type: 'outbound', conversationId: doc.id, item: { ...it } });
  }
}

function markSent(doc: ConversationDoc, it: OutboundItem, sid: string, status: string): void {
  it.state = 'sent';
  it.twilioSid = sid;
  it.sendingSince = undefined;
  if (!it.deliveryStatus) it.deliveryStatus = status;
  if (!doc.twilioSids.includes(sid)) doc.twilioSids.push(sid);
}

function fail(it: OutboundItem, code: number | undefined, reason: string): void {
  it.state = 'failed';
  it.errorCode = code;
  it.error = reason;
  it.sendingSince = undefined;
}

function cancel(it: OutboundItem, reason: string): void {
  it.state = 'cancelled';
  it.error = reason;
}

/** Keeps the outbox small: finished messages older than the newest 200 are dropped (the transcript keeps text). */
function pruneOutbox(doc: ConversationDoc): void {
  const finished = doc.outbox.filter((o) => o.state !== 'pending' && o.state !== 'sending');
  if (finished.length > 200) {
    const drop = new Set(finished.slice(0, finished.length - 200).map((o) => o.id));
    doc.outbox = doc.outbox.filter((o) => !drop.has(o.id));
  }
}

/** Status callback ranks: a callback never moves a message back (callbacks can arrive out of order). */
export const STATUS_RANK: Record<string, number> = {
  accepted: 1, scheduled: 1, queued: 1, sending: 2, sent: 3, undelivered: 4, failed: 4, delivered: 5, read: 6, canceled: 4,
};
