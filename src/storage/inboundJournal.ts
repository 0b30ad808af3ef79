import fs from 'node:fs/promises';
import path from 'node:path';
import type { Channel, InboundItem } from '../domain/conversation';
import { syncDir, writeFileDurably, type Sealer } from './durableFile';

/** One claimed inbound message, as the journal keeps it until its conversation document holds it. */
export interface JournalRecord {
  conversationId: string;
  init: { channel: Channel; address: string };
  item: InboundItem;
  /** when it was claimed (store clock): a conversation's document starts then */
  at: number;
}

/**
 * The embedded store's log of claimed inbound messages. A claim is durable once its record is appended and the
 * file flushed, without rewriting the conversation's document: the next change of that conversation (its turn)
 * takes the message into the document, and the record is dropped when the log is compacted. Appends that arrive
 * while a flush runs share the next write and the next fdatasync (group commit), so under load many webhooks are
 * acknowledged after one flush. Each record is sealed (AES-GCM) on its own line; a torn last line (a crash during
 * the write that would have made it durable, so never acknowledged) is skipped when the log is read.
 */
export class InboundJournal {
  private queue: Array<{ line: string; done: (err?: Error) => void }> = [];
  private chain: Promise<void> = Promise.resolve();
  private flushing = false;
  private size = 0;

  private constructor(private readonly file: string, private readonly sealer: Sealer, private fh: fs.FileHandle) {}

  /** Opens (creating) the log and returns what it holds. */
  static async open(file: string, sealer: Sealer): Promise<{ journal: InboundJournal; records: JournalRecord[] }> {
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const records: JournalRecord[] = [];
    const good: string[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        records.push(JSON.parse(sealer.decrypt(line)) as JournalRecord);
        good.push(`${line}\n`);
      } catch {
        // a torn last line: its flush never completed, so its message was never acknowledged
      }
    }
    if (good.join('') !== text) {
      // without the torn fragment, or the next record appended would be glued to it and lost
      text = good.join('');
      await writeFileDurably(file, text);
    }
    const fh = await fs.open(file, 'a', 0o600);
    await syncDir(path.dirname(file));
    const journal = new InboundJournal(file, sealer, fh);
    journal.size = Buffer.byteLength(text);
    return { journal, records };
  }

  /** Bytes in the log (compaction policy). */
  get bytes(): number {
    return this.size;
  }

  /** Resolves once the record is flushed to disk. */
  append(record: JournalRecord): Promise<void> {
    const line = `${this.sealer.encrypt(JSON.stringify(record))}\n`;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.flushing) {
        this.flushing = true;
        this.run(() => this.flush());
      }
    });
  }

  /**
   * Replaces the log with exactly `keep` (the records not yet in their documents), atomically and durably; appends
   * queued meanwhile are written after it. Used when every record is in its document, after an erase (nothing of an
   * erased conversation may stay on disk) and after key rotation (records sealed with the newest key).
   */
  compact(keep: () => JournalRecord[]): Promise<void> {
    return this.run(async () => {
      const lines = keep().map((r) => `${this.sealer.encrypt(JSON.stringify(r))}\n`).join('');
      if (!lines) {
        // the common case: every message is in its document; emptying the file in place is cheaper than a rewrite
        await this.fh.truncate(0);
        await this.fh.datasync();
        this.size = 0;
        return;
      }
      await this.fh.close();
      try {
        await writeFileDurably(this.file, lines);
      } finally {
        this.fh = await fs.open(this.file, 'a', 0o600);
      }
      this.size = Buffer.byteLength(lines);
    });
  }

  async close(): Promise<void> {
    await this.run(() => this.fh.close());
  }

  /** File operations run one at a time, in order. */
  private run(op: () => Promise<void>): Promise<void> {
    const next = this.chain.then(op);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0);
      const data = batch.map((b) => b.line).join('');
      try {
        await this.fh.write(data);
        await this.fh.datasync();
        this.size += Buffer.byteLength(data);
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err as Error);
      }
    }
    this.flushing = false;
  }
}
