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
  private readonly cache = new TextCache(32 * 1024 * 1024);
  /** directory fsyncs still running after an overlapped commit, per conversation */
  private readonly dirSyncs = new Map<string, Promise<void>>();

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

  /**
   * A conversation's lowdb handle, with `json`: the text it was loaded from (change detection without another
   * stringify). Recently used documents are served from a bounded cache of their JSON text: this store is the only
   * writer of its files (single process), so the cache cannot go stale.
   */
  private async load(id: string): Promise<{ db: Low<ConversationDoc | null>; file: SealedJsonFile<ConversationDoc | null>; json: string | null }> {
    const file = new SealedJsonFile<ConversationDoc | null>(this.fileOf(id), this.sealer);
    const db = new Low<ConversationDoc | null>(file, null);
    let json = this.cache.get(id) ?? null;
    if (json === null) {
      json = await file.readJson();
      if (json !== null) this.cache.set(id, json);
    }
    db.data = json === null ? null : (JSON.parse(json) as ConversationDoc);
    return { db, file, json };
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

  private async commit(loaded: { db: Low<ConversationDoc | null>; file: SealedJsonFile<ConversationDoc | null> }, before: string | undefined, overlapFlush = false): Promise<void> {
    const doc = loaded.db.data!;
    doc.updatedAt = this.now();
    const json = JSON.stringify(doc);
    const pending = hasPendingWork(doc);
    // the marker is written before the document, so a crash in between leaves a harmless extra marker
    if (pending) await this.markPending(doc.id, true);
    this.cache.delete(doc.id);
    if (overlapFlush) {
      const { dirSynced } = await loaded.file.writeJsonOverlapped(json);
      const settled = dirSynced.catch(() => undefined).finally(() => {
        if (this.dirSyncs.get(doc.id) === settled) this.dirSyncs.delete(doc.id);
      });
      this.dirSyncs.set(doc.id, settled);
    } else await loaded.file.writeJson(json);
    this.cache.set(doc.id, json);
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
      await this.dirSyncs.get(id);
      const loaded = await this.load(id);
      const { db } = loaded;
      const before = this.indexFingerprint(db.data);
      if (db.data && (db.data.seenSids.includes(item.sid) || db.data.inbox.some((i) => i.sid === item.sid))) return 'duplicate';
      db.data ??= newConversation(id, init.channel, init.address, this.now());
      const doc = db.data;
      doc.inbox.push(item);
      doc.seenSids.push(item.sid);
      if (doc.seenSids.length > SEEN_SIDS_KEPT) doc.seenSids.splice(0, doc.seenSids.length - SEEN_SIDS_KEPT);
      doc.twilioSids.push(item.sid);
      doc.lastInboundAt = item.receivedAt;
      await this.commit(loaded, before);
      return 'accepted';
    });
  }

  update<T>(id: string, fn: (doc: ConversationDoc) => T | Promise<T>, opts: { overlapFlush?: boolean } = {}): Promise<T> {
    return this.mutex.run(id, async () => {
      await this.dirSyncs.get(id);
      const loaded = await this.load(id);
      const { db } = loaded;
      if (!db.data) throw new Error(`LowdbConversationStore.update(): no conversation ${id}`);
      const before = this.indexFingerprint(db.data);
      const result = await fn(db.data);
      if (JSON.stringify(db.data) !== loaded.json) await this.commit(loaded, before, opts.overlapFlush);
      return result;
    });
  }

  async read(id: string): Promise<ConversationDoc | undefined> {
    const { db } = await this.load(id);
    return db.data ?? undefined;
  }

  remove(id: string): Promise<void> {
    return this.mutex.run(id, async () => {
      this.cache.delete(id);
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

  reseal(id: string): Promise<boolean> {
    return this.mutex.run(id, async () => {
      const { file, json } = await this.load(id);
      if (json === null) return false;
      await file.writeJson(json);
      return true;
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
    await Promise.all([...this.dirSyncs.values()]);
  }
}

/** Least-recently-used map of JSON texts, bounded by their total length. */
class TextCache {
  private readonly map = new Map<string, string>();
  private size = 0;

  constructor(private readonly maxChars: number) {}

  get(key: string): string | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: string): void {
    this.delete(key);
    if (value.length > this.maxChars / 4) return;
    this.map.set(key, value);
    this.size += value.length;
    for (const [k, v] of this.map) {
      if (this.size <= this.maxChars) break;
      this.map.delete(k);
      this.size -= v.length;
    }
  }

  delete(key: string): void {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.size -= v.length;
    }
  }
}
