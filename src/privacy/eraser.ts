import type { ConversationStore } from '../domain/conversationStore';
import { ERASED_REPLAY_MS, type ErasedMessageLog } from '../domain/erasedMessages';
import type { ChannelSender } from '../conversation/channelSender';
import type { Translator } from '../../dialogs/ports';
import type { Logger } from '../logging/logger';

/**
 * Erase-my-data: every trace of one conversation goes (state, transcript, queue entry, pending messages, delivery
 * records), the user's messages are deleted at Twilio too (in and out), and the user is told, in their language.
 */
export class Eraser {
  constructor(
    private readonly o: {
      store: ConversationStore; channel: ChannelSender; translator: Translator; logger: Logger;
      onErased?: (id: string) => void; retryDelayMs?: number;
      /** the erased conversation's message SIDs are remembered (keyed hashes) so a replay cannot bring it back */
      erased: ErasedMessageLog; messageHash: (sid: string) => string; now?: () => number;
    },
  ) {
    if (!o.store || !o.channel || !o.translator || !o.logger || !o.erased || !o.messageHash) throw new Error('Eraser: store, channel, translator, logger, erased and messageHash are required');
  }

  async erase(id: string, language: string, opts: { tellUser?: boolean } = { tellUser: true }): Promise<{ twilioDeleted: number }> {
    // the document as it was removed, under the conversation's lock: a message that arrived just before is in it
    const doc = await this.o.store.remove(id);
    if (!doc) return { twilioDeleted: 0 };
    const sids = new Set([...doc.twilioSids, ...doc.outbox.map((o) => o.twilioSid).filter((s): s is string => !!s)]);
    await this.o.erased.remember([...sids].map(this.o.messageHash), (this.o.now?.() ?? Date.now()) + ERASED_REPLAY_MS);
    this.o.onErased?.(id);
    if (opts.tellUser && !doc.stopped) {
      const route = this.o.channel.route(doc);
      if (route) {
        try {
          const sent = await this.o.channel.send(route, { body: this.o.translator.t(language, 'erase.done') });
          sids.add(sent.sid);
        } catch (err) {
          this.o.logger.warn({ conversation: id, err: (err as Error).name }, 'erase: confirmation not sent');
        }
      }
    }
    let deleted = 0;
    const failed: string[] = [];
    for (const sid of sids) {
      try {
        await this.o.channel.remove(sid);
        deleted++;
      } catch {
        failed.push(sid);
      }
    }
    if (failed.length) this.retryLater(id, failed);
    this.o.logger.info({ msg: 'erased', conversation: id, twilioDeleted: deleted, twilioPending: failed.length });
    return { twilioDeleted: deleted };
  }

  /** A message still in flight at Twilio cannot be deleted yet: try again later, a few times. */
  private retryLater(id: string, sids: string[], attempt = 1): void {
    if (attempt > 5) {
      this.o.logger.error({ conversation: id, twilioUndeleted: sids.length }, 'erase: messages could not be deleted at Twilio');
      return;
    }
    const t = setTimeout(async () => {
      const left: string[] = [];
      for (const sid of sids) await this.o.channel.remove(sid).catch(() => left.push(sid));
      if (left.length) this.retryLater(id, left, attempt + 1);
    }, (this.o.retryDelayMs ?? 30000) * attempt);
    t.unref?.();
  }
}
