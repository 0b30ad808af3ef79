import type { ConversationStore } from '../domain/conversationStore';
import type { Logger } from '../logging/logger';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PurgeResult {
  /** conversations looked at */
  checked: number;
  /** conversations untouched for longer than the retention period, erased */
  purged: number;
  /** erased conversations' messages deleted at Twilio */
  twilioDeleted: number;
  /** conversations that could not be read or erased (tried again on the next run) */
  failed: number;
}

/** The part of the Eraser retention needs: erasing is the same whether the user asks or time runs out. */
export interface ConversationEraser {
  erase(id: string, language: string, opts: { tellUser: boolean }): Promise<{ twilioDeleted: number }>;
}

/**
 * Retention: every conversation whose `updatedAt` is older than `retentionDays` is erased like DELETE erases it
 * (store and Twilio), without telling the user. Runs on a schedule inside the app and from `npm run purge`.
 * Logs carry counts and pseudonymous ids only.
 */
export class Retention {
  private readonly now: () => number;
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<PurgeResult> | undefined;

  constructor(
    private readonly o: {
      store: ConversationStore; eraser: ConversationEraser; logger: Logger; retentionDays: number; now?: () => number;
      /** several instances on one database: runs the pass only where no other instance is running one (else undefined) */
      exclusive?: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
    },
  ) {
    if (!o?.store || !o.eraser || !o.logger) throw new Error('Retention: store, eraser and logger are required');
    if (!(o.retentionDays >= 1)) throw new Error('Retention: retentionDays must be at least 1');
    this.now = o.now ?? Date.now;
  }

  /** conversations last changed before this instant are purged */
  cutoff(): number {
    return this.now() - this.o.retentionDays * DAY_MS;
  }

  /** One purge pass; a pass already running is joined, never run twice at once. */
  purge(): Promise<PurgeResult> {
    this.running ??= this.exclusivePass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async exclusivePass(): Promise<PurgeResult> {
    if (!this.o.exclusive) return this.pass();
    const result = await this.o.exclusive(() => this.pass());
    if (result) return result;
    this.o.logger.info({ msg: 'retention purge skipped: another instance is running one' });
    return { checked: 0, purged: 0, twilioDeleted: 0, failed: 0 };
  }

  private async pass(): Promise<PurgeResult> {
    const cutoff = this.cutoff();
    const result: PurgeResult = { checked: 0, purged: 0, twilioDeleted: 0, failed: 0 };
    for (const id of await this.o.store.listAllIds()) {
      result.checked++;
      try {
        const doc = await this.o.store.read(id);
        if (!doc || doc.updatedAt >= cutoff) continue;
        const { twilioDeleted } = await this.o.eraser.erase(id, doc.locale ?? 'en', { tellUser: false });
        result.purged++;
        result.twilioDeleted += twilioDeleted;
      } catch (err) {
        result.failed++;
        this.o.logger.warn({ conversation: id, err: (err as Error).name }, 'retention: conversation not purged');
      }
    }
    this.o.logger.info({ msg: 'retention purge', retentionDays: this.o.retentionDays, ...result });
    return result;
  }

  /** Purges once after `firstAfterMs`, then every `everyMs`; the timers never keep the process alive. */
  start(opts: { firstAfterMs: number; everyMs: number }): void {
    this.stopTimers();
    const run = () => void this.purge().catch((err) => this.o.logger.error({ err: (err as Error).name }, 'retention: purge failed'));
    this.timers.push(setTimeout(run, opts.firstAfterMs).unref(), setInterval(run, opts.everyMs).unref());
  }

  /** Stops the schedule and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.stopTimers();
    await this.running?.catch(() => undefined);
  }

  private stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
