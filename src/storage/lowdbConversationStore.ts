import fs from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { appendInbound, newConversation, type Channel, type ConversationDoc, type InboundItem } from '../domain/conversation';
import { hasPendingWork, summarize, type ConversationStore, type ConversationSummary } from '../domain/conversationStore';
import { DurableJsonFile, removeStaleTemps, SealedJsonFile, syncDir, type Sealer } from './durableFile';
import { InboundJournal, type JournalRecord } from './inboundJournal';
import { KeyedMutex } from './keyedMutex';
import { ConversationNotFoundError } from '../domain/errors';
import { openSummary, sealSummary, type StoredSummary } from './summarySeal';

const ID = /^[a-z]+-[0-9a-f]{16,64}$/;

/** the inbound journal is rewritten with only its unmerged records once it is this big */
const JOURNAL_COMPACT_BYTES = 1024 * 1024;

/**
 * Embedded store on lowdb: one small sealed file per conversation (the cost of a message does not grow with the
 * number of conversations), a marker file per conversation with unfinished outbound work, a small index of
 * conversations the console lists (queued, with a counsellor, closed, stopped), and an inbound journal: a claimed
 * message is made durable by one group-committed append, and enters its conversation's document with the next
 * change of that conversation (its turn). Single process only.
 */
export class LowdbConversationStore implements ConversationStore {
  private readonly mutex = new KeyedMutex();
  private readonly convDir: string;
  private readonly pendingDir: string;
  private index!: Low<Record<string, StoredSummary | ConversationSummary>>;
  private readonly indexMutex = new KeyedMutex();
  private readonly cache = new TextCache(32 * 1024 * 1024);
  /** directory fsyncs still running after an overlapped commit, per conversation */
  private readonly dirSyncs = new Map<string, Promise<void>>();
  private journal!: InboundJournal;
  /** claimed messages in the journal that their conversation's document does not hold yet, per conversation */
  private readonly unmerged = new Map<string, JournalRecord[]>();
  private compacting = false;
  private resealedJournal = false;

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
    store.index = new Low(new DurableJsonFile<Record<string, StoredSummary | ConversationSummary>>(path.join(opts.dataDir, 'index.json')), {});
    await store.index.read();
    store.index.data ??= {};
    const { journal, records } = await InboundJournal.open(path.join(opts.dataDir, 'inbound.journal'), opts.sealer);
    store.journal = journal;
    // messages claimed before a restart that never reached their document
    for (const r of records) {
      const { db } = await store.load(r.conversationId);
      if (db.data && holds(db.data, r.item.sid)) continue;
      const list = store.unmerged.get(r.conversationId) ?? [];
      if (!list.some((x) => x.item.sid === r.item.sid)) list.push(r);
      store.unmerged.set(r.conversationId, list);
    }
    if (records.length && !store.unmerged.size) await store.journal.compact(() => []);
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

  private async commit(loaded: { db: Low<ConversationDoc | null>; file: SealedJsonFile<ConversationDoc | null> }, before: string | undefined, overlapFlush = false, keepUpdatedAt = false): Promise<void> {
    const doc = loaded.db.data!;
    if (!keepUpdatedAt) doc.updatedAt = this.now();
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
      this.index.data[doc.id] = sealSummary(s, this.sealer);
      await this.index.write();
    });
  }

  private indexFingerprint(doc: ConversationDoc | null): string | undefined {
    return doc ? JSON.stringify({ ...summarize(doc), updatedAt: 0, lastInboundAt: 0 }) : undefined;
  }

  claimInbound(id: string, init: { channel: Channel; address: string }, item: InboundItem): Promise<'accepted' | 'duplicate'> {
    return this.mutex.run(id, async () => {
      const { db } = await this.load(id); // validates the id
      const waiting = this.unmerged.get(id) ?? [];
      if ((db.data && holds(db.data, item.sid)) || waiting.some((r) => r.item.sid === item.sid)) return 'duplicate';
      const record: JournalRecord = { conversationId: id, init, item, at: this.now() };
      waiting.push(record);
      this.unmerged.set(id, waiting);
      try {
        await this.journal.append(record);
      } catch (err) {
        this.forget(id, [record]);
        throw err;
      }
      return 'accepted';
    });
  }

  /** Takes the conversation's journaled messages into its document (creating it for a first message). */
  private merge(id: string, loaded: { db: Low<ConversationDoc | null> }): JournalRecord[] {
    const records = this.unmerged.get(id) ?? [];
    for (const { init, item, at } of records) {
      loaded.db.data ??= newConversation(id, init.channel, init.address, at);
      const doc = loaded.db.data;
      if (holds(doc, item.sid)) continue;
      appendInbound(doc, item);
      doc.updatedAt = at; // as if written when claimed
    }
    return records;
  }

  /** Records now held by their document (or given up): dropped, and the journal compacted when it is worth it. */
  private forget(id: string, records: JournalRecord[]): void {
    if (!records.length) return;
    const left = (this.unmerged.get(id) ?? []).filter((r) => !records.includes(r));
    if (left.length) this.unmerged.set(id, left);
    else this.unmerged.delete(id);
    if (!this.compacting && (this.unmerged.size === 0 || this.journal.bytes > JOURNAL_COMPACT_BYTES) && this.journal.bytes > 0) {
      this.compacting = true;
      this.compactJournal().catch(() => undefined).finally(() => (this.compacting = false));
    }
  }

  private compactJournal(): Promise<void> {
    return this.journal.compact(() => [...this.unmerged.values()].flat());
  }

  update<T>(id: string, fn: (doc: ConversationDoc) => T | Promise<T>, opts: { overlapFlush?: boolean } = {}): Promise<T> {
    return this.mutex.run(id, async () => {
      await this.dirSyncs.get(id);
      const loaded = await this.load(id);
      const { db } = loaded;
      const before = this.indexFingerprint(db.data);
      const merged = this.merge(id, loaded);
      if (!db.data) throw new ConversationNotFoundError('LowdbConversationStore.update()', id);
      const mergedJson = merged.length ? JSON.stringify(db.data) : loaded.json;
      const result = await fn(db.data);
      const json = JSON.stringify(db.data);
      // only the journaled messages changed it: the document keeps the time they were claimed
      if (json !== loaded.json) await this.commit(loaded, before, opts.overlapFlush, json === mergedJson);
      this.forget(id, merged);
      return result;
    });
  }

  async read(id: string): Promise<ConversationDoc | undefined> {
    const loaded = await this.load(id);
    this.merge(id, loaded); // a copy: `load` parses afresh every time
    return loaded.db.data ?? undefined;
  }

  remove(id: string): Promise<ConversationDoc | undefined> {
    return this.mutex.run(id, async () => {
      const loaded = await this.load(id);
      this.merge(id, loaded);
      this.cache.delete(id);
      // nothing of an erased conversation stays on disk, in the journal either
      this.unmerged.delete(id);
      if (this.journal.bytes > 0) await this.compactJournal();
      await fs.rm(this.fileOf(id), { force: true });
      await syncDir(this.convDir);
      await this.markPending(id, false);
      if (this.index.data[id]) {
        await this.indexMutex.run('index', async () => {
          delete this.index.data[id];
          await this.index.write();
        });
      }
      return loaded.db.data ?? undefined;
    });
  }

  reseal(id: string): Promise<boolean> {
    return this.mutex.run(id, async () => {
      // key rotation: the journal's records too are sealed again with the newest key
      if (this.journal.bytes > 0 && !this.resealedJournal) {
        this.resealedJournal = true;
        await this.compactJournal();
      }
      const { file, json } = await this.load(id);
      if (json === null) return this.unmerged.has(id); // only in the journal, resealed above
      await file.writeJson(json);
      // its queue summary is sealed too
      const listed = this.index.data[id];
      if (listed) {
        await this.indexMutex.run('index', async () => {
          this.index.data[id] = sealSummary(openSummary(listed, this.sealer), this.sealer);
          await this.index.write();
        });
      }
      return true;
    });
  }

  async listPending(): Promise<string[]> {
    const marked = (await fs.readdir(this.pendingDir)).filter((n) => ID.test(n));
    return [...new Set([...marked, ...this.unmerged.keys()])];
  }

  async listSummaries(filter?: { statuses?: string[] }): Promise<ConversationSummary[]> {
    const all = Object.values(this.index.data).map((x) => openSummary(x, this.sealer));
    return filter?.statuses ? all.filter((s) => filter.statuses!.includes(s.status)) : all;
  }

  async listAllIds(): Promise<string[]> {
    const files = (await fs.readdir(this.convDir)).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)).filter((n) => ID.test(n));
    return [...new Set([...files, ...this.unmerged.keys()])];
  }

  async close(): Promise<void> {
    // every write is awaited by its caller; wait for the ones in flight
    while (this.mutex.size > 0) await new Promise((r) => setTimeout(r, 5));
    await Promise.all([...this.dirSyncs.values()]);
    await this.journal.close();
  }
}

/** The document already has this inbound message (in its inbox, or consumed). */
function holds(doc: ConversationDoc, sid: string): boolean {
  return doc.seenSids.includes(sid) || doc.inbox.some((i) => i.sid === sid) || doc.twilioSids.includes(sid);
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
