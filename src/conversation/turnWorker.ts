import { randomBytes } from 'node:crypto';
import type { TurnContext } from 'botbuilder-core';
import { TRANSCRIPT_KEPT, type ConversationDoc, type InboundItem, type OutboundItem } from '../domain/conversation';
import type { ConversationStore } from '../domain/conversationStore';
import type { Logger } from '../logging/logger';
import type { OutboundCollector, OutboundMessage } from './turnKeys';
import { AFTER_COMMIT } from './turnKeys';
import type { OutboundSender, PreparedSend } from './outboundSender';
import { isNotFound } from '../domain/errors';

/** A channel's side of a turn: turns a stored inbound message into a bot turn whose replies go to `collector`. */
export interface ChannelAdapter {
  processInbound(
    doc: ConversationDoc, item: InboundItem, collector: OutboundCollector, logic: (context: TurnContext) => Promise<void>,
    turnState?: Array<[symbol, unknown]>,
  ): Promise<void>;
}

export interface TurnWorkerOptions {
  store: ConversationStore;
  adapter: ChannelAdapter;
  logic: (context: TurnContext) => Promise<void>;
  sender: OutboundSender;
  logger: Logger;
  concurrency: number;
  now?: () => number;
  /** false while the acknowledgement of a just-stored message has not gone out: its turn waits for it */
  isAcknowledged?: (messageSid: string) => boolean;
}

/**
 * Runs the inbox: one turn per inbound message, strictly in arrival order per conversation, different
 * conversations in parallel up to `concurrency`. A turn, its state, its replies and the removal of its inbound
 * message commit in one atomic write; replies are sent only after that, so a crash never doubles or loses one.
 */
export class TurnWorker {
  private readonly active = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private closing = false;
  private readonly now: () => number;

  constructor(private readonly o: TurnWorkerOptions) {
    for (const k of ['store', 'adapter', 'logic', 'sender', 'logger'] as const) if (!o[k]) throw new Error(`TurnWorker: ${k} is required`);
    this.now = o.now ?? Date.now;
  }

  schedule(id: string): void {
    if (this.closing) return;
    if (this.active.has(id)) {
      this.again.add(id);
      return;
    }
    const run = this.drain(id)
      .catch((err) => this.o.logger.error({ err, conversation: id }, 'TurnWorker.drain(): failed'))
      .finally(() => {
        this.active.delete(id);
        if (this.again.delete(id)) this.schedule(id);
      });
    this.active.set(id, run);
  }

  /** Stops taking new conversations; finishes the turns in flight. */
  async close(): Promise<void> {
    this.closing = true;
    while (this.active.size) await Promise.allSettled([...this.active.values()]);
  }

  async idle(): Promise<void> {
    while (this.active.size) await Promise.allSettled([...this.active.values()]);
  }

  private async slot(): Promise<void> {
    if (this.running < this.o.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }

  private async drain(id: string): Promise<void> {
    for (;;) {
      if (this.closing && this.active.size === 0) return;
      await this.slot();
      let more = false;
      const afterCommit: Array<() => Promise<void> | void> = [];
      let prepared: PreparedSend | undefined;
      try {
        more = await this.o.store.update(id, async (doc) => {
          const again = await this.turn(doc, afterCommit);
          // the first reply is marked `sending` in this same write, so it leaves as soon as the turn is durable;
          // not when actions follow the commit (an erase, a handoff event): they run before anything is sent
          if (!afterCommit.length) prepared = this.o.sender.prepareInTurn(doc);
          return again;
        }, { overlapFlush: true }); // as the sender's own `sending` mark: the request may leave once the file is in place
      } catch (err) {
        if (prepared) this.o.sender.abandonPrepared(prepared);
        if (isNotFound(err)) return;
        throw err;
      } finally {
        this.release();
      }
      for (const fn of afterCommit) {
        try {
          await fn();
        } catch (err) {
          this.o.logger.error({ err, conversation: id }, 'TurnWorker: after-commit action failed');
        }
      }
      if (prepared) this.o.sender.startPrepared(prepared);
      else this.o.sender.kick(id);
      if (!more || this.closing) return;
    }
  }

  private async turn(doc: ConversationDoc, afterCommit: Array<() => Promise<void> | void>): Promise<boolean> {
    const item = doc.inbox[0];
    if (!item) return false;
    if (this.o.isAcknowledged && !this.o.isAcknowledged(item.sid)) return false; // scheduled again once acknowledged
    const collector = outboxCollector(doc, this.now);
    pushTranscript(doc, { at: item.receivedAt, kind: 'user', text: item.body });
    try {
      await this.o.adapter.processInbound(doc, item, collector, this.o.logic, [[AFTER_COMMIT, afterCommit]]);
    } catch (err) {
      // onTurnError already apologised; the message is consumed so a poisoned message cannot loop forever
      this.o.logger.error({ err, conversation: doc.id, messageSid: item.sid }, 'TurnWorker: turn failed');
    }
    doc.inbox.shift();
    return doc.inbox.length > 0;
  }
}

export function outboxCollector(doc: ConversationDoc, now: () => number, origin: OutboundItem['origin'] = 'bot', author?: string): OutboundCollector {
  return {
    add(msg: OutboundMessage) {
      const id = `o${++doc.seq}`;
      const item: OutboundItem = {
        id, origin: msg.origin ?? origin, body: msg.body, contentSid: msg.contentSid, contentVariables: msg.contentVariables,
        state: 'pending', token: randomBytes(12).toString('hex'), createdAt: now(), attempts: 0, evenIfStopped: msg.evenIfStopped, author,
      };
      doc.outbox.push(item);
      pushTranscript(doc, { at: item.createdAt, kind: item.origin === 'counsellor' ? 'counsellor' : 'bot', text: msg.body, outboundId: id, author });
    },
  };
}

export function pushTranscript(doc: ConversationDoc, entry: ConversationDoc['transcript'][number]): void {
  doc.transcript.push(entry);
  if (doc.transcript.length > TRANSCRIPT_KEPT) doc.transcript.splice(0, doc.transcript.length - TRANSCRIPT_KEPT);
}
