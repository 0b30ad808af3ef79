import fs from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { newConversation, SEEN_SIDS_KEPT, type Channel, type ConversationDoc, type InboundItem } from '../domain/conversation';
import { hasPendingWork, summarize, type ConversationStore, type ConversationSummary } from '../domain/conversationStore';
import { DurableJsonFile, removeStaleTemps, SealedJsonFile, syncDir, type Sealer } from './durableFile';
import { KeyedMutex } from './keyedMutex';

const ID = /^[a-z]+-[0-9a-f]{16,64}$/;

/**
 * Embedded store on lowdb: one small sealed file per conversation (the cost of a message does not grow with the
 * number of conversations), a marker file per conversation with unfinished work, and a small index of
 * conversations the console lists (queued, with a counsellor, closed, stopped). Single process only.
 */
export class LowdbConversationStore implements ConversationStore {
  private readonly mutex = new KeyedMutex();
  private readonly convDir: string;
  private readonly pendingDir: string;
  private index!: Low<Record<string, ConversationSummary>>;
  private readonly indexMutex = new KeyedMutex();

  private constructor(private readonly dataDir: string, private readonly sealer: Sealer, private readonly now: () => number) {
    this.convDir = path.join(dataDir, 'conversations');
    this.pendingDir = path.join(dataDir, 'pending');
  }

  static async open(opts: { dataDir: string; sealer: Sealer; now?: () => number }): Promise<LowdbConversationStore> {
    if (!opts.sealer) throw new Error('LowdbConversationStore.open(): a sealer is required');
    const store = new LowdbConversationStore(opts.dataDir, opts.sealer, opts.now ?? Date.now);
    for (const d of [store.convDir, store.pendingDir]) mkdirSync(d, { recursive: true, mode: 0o700 });
    await removeStaleTemps(store.convDir);
    await removeStaleTemps(opts.dataDir);
    store.index = new Low(new DurableJsonFile<Record<string, ConversationSummary>>(path.join(opts.dataDir, 'index.json')), {});
    await store.index.read();
    store.index.data ??= {};
    return store;
  }

  private fileOf(id: string): string {
    if (!ID.test(id)) throw new Error(`LowdbConversationStore: invalid conversation id`);
    return path.join(this.convDir, `${id}.json`);
  }

  private async load(id: string): Promise<Low<ConversationDoc | null>> {
    const db = new Low<ConversationDoc | null>(new SealedJsonFile<ConversationDoc | null>(this.fileOf(id), this.sealer), null);
    await db.read();
    return db;
  }

  private async markPending(id: string, pending: boolean): Promise<void> {
    const marker = path.join(this.pendingDir, id);
    if (pending) {
      try {
        await (await fs.open(marker, 'wx')).close();
        await syncDir(this.pendingDir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    } else {
      await fs.rm(marker, { force: true });
    }
  }

  private async commit(db: Low<ConversationDoc | null>, before: string | undefined): Promise<void> {
    const doc = db.data!;
    doc.updatedAt = this.now();
    const pending = hasPendingWork(doc);
    // the marker is written before the document, so a crash in between leaves a harmless extra marker
    if (pending) await this.markPending(doc.id, true);
    await db.write();
    if (!pending) await this.markPending(doc.id, false);
    await this.syncIndex(doc, before);
  }

  private async syncIndex(doc: ConversationDoc, before: string | undefined): Promise<void> {
    const listed = doc.handoff.status !== 'bot' || doc.stopped || this.index.data[doc.id] !== undefined;
    if (!listed) return;
    const s = summarize(doc);
    const after = JSON.stringify({ ...s, updatedAt: 0, lastInboundAt: 0 });
    if (after === before) return;
    await this.indexMutex.run('index', async () => {
      this.index.data[doc.id] = s;
      await this.index.write();
    });
  }

  private indexFingerprint(doc: ConversationDoc | null): string | undefined {
    return doc ? JSON.stringify({ ...summarize(doc), updatedAt: 0, lastInboundAt: 0 }) : undefined;
  }

  claimInbound(id: string, init: { channel: Channel; address: string }, item: InboundItem): Promise<'accepted' | 'duplicate'> {
    return this.mutex.run(id, async () => {
      const db = await this.load(id);
      const before = this.indexFingerprint(db.data);
      if (db.data && (db.data.seenSids.includes(item.sid) || db.data.inbox.some((i) => i.sid === item.sid))) return 'duplicate';
      db.data ??= newConversation(id, init.channel, init.address, this.now());
      const doc = db.data;
      doc.inbox.push(item);
      doc.seenSids.push(item.sid);
      if (doc.seenSids.length > SEEN_SIDS_KEPT) doc.seenSids.splice(0, doc.seenSids.length - SEEN_SIDS_KEPT);
      doc.twilioSids.push(item.sid);
      doc.lastInboundAt = item.receivedAt;
      await this.commit(db, before);
      return 'accepted';
    });
  }

  update<T>(id: string, fn: (doc: ConversationDoc) => T | Promise<T>): Promise<T> {
    return this.mutex.run(id, async () => {
      const db = await this.load(id);
      if (!db.data) throw new Error(`LowdbConversationStore.update(): no conversation ${id}`);
      const before = this.indexFingerprint(db.data);
      const unchanged = JSON.stringify(db.data);
      const result = await fn(db.data);
      if (JSON.stringify(db.data) !== unchanged) await this.commit(db, before);
      return result;
    });
  }

  async read(id: string): Promise<ConversationDoc | undefined> {
    const db = await this.load(id);
    return db.data ?? undefined;
  }

  remove(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      await fs.rm(this.fileOf(id), { force: true });
      await syncDir(this.convDir);
      await this.markPending(id, false);
      if (this.index.data[id]) {
        await this.indexMutex.run('index', async () => {
          delete this.index.data[id];
          await this.index.write();
        });
      }
    });
  }

  async listPending(): Promise<string[]> {
    return (await fs.readdir(this.pendingDir)).filter((n) => ID.test(n));
  }

  async listSummaries(filter?: { statuses?: string[] }): Promise<ConversationSummary[]> {
    const all = Object.values(this.index.data);
    return filter?.statuses ? all.filter((s) => filter.statuses!.includes(s.status)) : all;
  }

  async listAllIds(): Promise<string[]> {
    return (await fs.readdir(this.convDir)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((n) => ID.test(n));
  }

  async close(): Promise<void> {
    // every write is awaited by its caller; wait for the ones in flight
    while (this.mutex.size > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
