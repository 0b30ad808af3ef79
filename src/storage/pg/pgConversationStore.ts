import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { appendInbound, newConversation, type Channel, type ConversationDoc, type InboundItem } from '../../domain/conversation';
import { hasPendingWork, summarize, type ConversationStore, type ConversationSummary } from '../../domain/conversationStore';
import type { Sealer } from '../durableFile';
import { KeyedMutex } from '../keyedMutex';
import { Semaphore } from './semaphore';
import { ConversationNotFoundError } from '../../domain/errors';
import { openSummary, sealSummary, type StoredSummary } from '../summarySeal';

export interface PgStoreOptions {
  pool: pg.Pool;
  sealer: Sealer;
  now?: () => number;
  /** connections that may hold a conversation's row lock at once (turns run inside `update`); default pool max - 4 */
  updateConnections?: number;
  /** connections for inbound claims, apart from the turns so a webhook is not starved by them; default 2 */
  claimConnections?: number;
  /** this process, as the owner of outbox leases; random by default */
  instanceId?: string;
  /** how long a lease on outbound messages lasts after the owner last wrote the conversation; default 15 s */
  outboxLeaseMs?: number;
}

interface Row {
  doc: string;
  summary: StoredSummary | ConversationSummary | null;
}

/**
 * The conversation store on PostgreSQL, for several instances on one database. Same contract as the lowdb
 * adapter: one row per conversation holding the whole document sealed (AES-GCM); exclusivity across processes is
 * the row lock (`SELECT ... FOR UPDATE`) held by a transaction for the whole `update` callback; the MessageSid
 * primary key decides claims. Within the process a per-conversation mutex queues callers without holding a
 * connection, and lock-holding transactions are capped so reads, lists and claims always find a connection.
 */
export class PgConversationStore implements ConversationStore {
  private readonly mutex = new KeyedMutex();
  private readonly updates: Semaphore;
  private readonly claims: Semaphore;
  private readonly now: () => number;
  readonly instanceId: string;
  private readonly leaseMs: number;

  private constructor(private readonly o: PgStoreOptions) {
    this.now = o.now ?? Date.now;
    this.instanceId = o.instanceId ?? randomUUID();
    this.leaseMs = o.outboxLeaseMs ?? 15_000;
    const max = o.pool.options.max ?? 10;
    this.updates = new Semaphore(o.updateConnections ?? Math.max(1, max - 4));
    this.claims = new Semaphore(o.claimConnections ?? 2);
  }

  /** `pool` must come from openPostgres (the schema is migrated). */
  static async open(o: PgStoreOptions): Promise<PgConversationStore> {
    if (!o?.pool || !o.sealer) throw new Error('PgConversationStore.open(): a pool and a sealer are required');
    await o.pool.query('SELECT 1 FROM conversations LIMIT 0');
    return new PgConversationStore(o);
  }

  claimInbound(id: string, init: { channel: Channel; address: string }, item: InboundItem): Promise<'accepted' | 'duplicate'> {
    return this.mutex.run(id, () => this.claims.run(() => this.transaction(async (c) => {
      const claimed = await c.query('INSERT INTO inbound_claims (sid, conversation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [item.sid, id]);
      if (claimed.rowCount === 0) return { result: 'duplicate' as const, commit: false };
      let row = await this.lock(c, id);
      if (!row) {
        const fresh = newConversation(id, init.channel, init.address, this.now());
        const inserted = await c.query(
          'INSERT INTO conversations (id, doc, status) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
          [id, this.o.sealer.encrypt(JSON.stringify(fresh)), fresh.handoff.status],
        );
        if (inserted.rowCount) {
          await this.appendAndWrite(c, fresh, null, item);
          return { result: 'accepted' as const, commit: true };
        }
        row = await this.lock(c, id); // another instance created it meanwhile
        if (!row) throw new Error(`PgConversationStore.claimInbound(): conversation ${id} vanished while claiming`);
      }
      const doc = this.unseal(row.doc);
      // sids claimed before claims were kept in their own table, or redelivered after their claim was erased
      if (doc.seenSids.includes(item.sid) || doc.inbox.some((i) => i.sid === item.sid)) return { result: 'duplicate' as const, commit: false };
      await this.appendAndWrite(c, doc, row.summary, item);
      return { result: 'accepted' as const, commit: true };
    })));
  }

  /** `overlapFlush` changes nothing here: a commit is durable when it returns */
  update<T>(id: string, fn: (doc: ConversationDoc) => T | Promise<T>, _opts?: { overlapFlush?: boolean }): Promise<T> {
    return this.mutex.run(id, () => this.updates.run(() => this.transaction(async (c) => {
      const row = await this.lock(c, id);
      if (!row) throw new ConversationNotFoundError('PgConversationStore.update()', id);
      const doc = this.unseal(row.doc);
      const unchanged = JSON.stringify(doc);
      const hadDeliverable = deliverable(doc).length > 0;
      const result = await fn(doc);
      if (JSON.stringify(doc) === unchanged) return { result, commit: false };
      await this.write(c, doc, row.summary, { hadDeliverable });
      return { result, commit: true };
    })));
  }

  async read(id: string): Promise<ConversationDoc | undefined> {
    const { rows } = await this.o.pool.query<{ doc: string }>('SELECT doc FROM conversations WHERE id = $1', [id]);
    return rows[0] ? this.unseal(rows[0].doc) : undefined;
  }

  remove(id: string): Promise<ConversationDoc | undefined> {
    return this.mutex.run(id, () => this.updates.run(() => this.transaction(async (c) => {
      const { rows } = await c.query<{ doc: string }>('DELETE FROM conversations WHERE id = $1 RETURNING doc', [id]);
      await c.query('DELETE FROM inbound_claims WHERE conversation_id = $1', [id]);
      return { result: rows[0] ? this.unseal(rows[0].doc) : undefined, commit: true };
    })));
  }

  reseal(id: string): Promise<boolean> {
    return this.mutex.run(id, () => this.updates.run(() => this.transaction(async (c) => {
      const row = await this.lock(c, id);
      if (!row) return { result: false, commit: false };
      const doc = this.unseal(row.doc);
      // the queue summary is sealed too
      const summary = row.summary ? JSON.stringify(sealSummary(openSummary(row.summary, this.o.sealer), this.o.sealer)) : null;
      await c.query('UPDATE conversations SET doc = $2, summary = $3 WHERE id = $1', [id, this.o.sealer.encrypt(JSON.stringify(doc)), summary]);
      return { result: true, commit: true };
    })));
  }

  async listPending(opts: { idleForMs?: number } = {}): Promise<string[]> {
    const { rows } = await this.o.pool.query<{ id: string }>(
      "SELECT id FROM conversations WHERE pending AND updated_at <= now() - make_interval(secs => $1::float8 / 1000) ORDER BY updated_at",
      [opts.idleForMs ?? 0],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Takes over outbound work no live instance holds: rows due now whose lease has run out (or that were never
   * leased by a live owner), claimed with FOR UPDATE SKIP LOCKED so concurrent instances never take the same
   * rows, and leased to this instance. Returns the conversations to deliver.
   */
  async claimOutbound(limit = 100): Promise<string[]> {
    const { rows } = await this.o.pool.query<{ conversation_id: string }>(
      `UPDATE outbox o SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000)
         FROM (SELECT conversation_id, item_id FROM outbox
                WHERE lease_until < now() AND due_at <= now()
                ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due
        WHERE o.conversation_id = due.conversation_id AND o.item_id = due.item_id
        RETURNING o.conversation_id`,
      [this.instanceId, this.leaseMs, limit],
    );
    return [...new Set(rows.map((r) => r.conversation_id))];
  }

  async listSummaries(filter?: { statuses?: string[] }): Promise<ConversationSummary[]> {
    const { rows } = filter?.statuses
      ? await this.o.pool.query<{ summary: StoredSummary | ConversationSummary }>('SELECT summary FROM conversations WHERE summary IS NOT NULL AND status = ANY($1)', [filter.statuses])
      : await this.o.pool.query<{ summary: StoredSummary | ConversationSummary }>('SELECT summary FROM conversations WHERE summary IS NOT NULL');
    return rows.map((r) => openSummary(r.summary, this.o.sealer));
  }

  async listAllIds(): Promise<string[]> {
    const { rows } = await this.o.pool.query<{ id: string }>('SELECT id FROM conversations');
    return rows.map((r) => r.id);
  }

  /** Waits for the transactions in flight; the pool itself belongs to openPostgres. */
  async close(): Promise<void> {
    while (this.mutex.size > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private async lock(c: pg.PoolClient, id: string): Promise<Row | undefined> {
    const { rows } = await c.query<Row>('SELECT doc, summary FROM conversations WHERE id = $1 FOR UPDATE', [id]);
    return rows[0];
  }

  private async appendAndWrite(c: pg.PoolClient, doc: ConversationDoc, summary: StoredSummary | ConversationSummary | null, item: InboundItem): Promise<void> {
    appendInbound(doc, item);
    await this.write(c, doc, summary, { outboxUnchanged: true });
  }

  /**
   * `hadDeliverable`: the stored version had outbound messages to deliver (their rows may need removing);
   * `outboxUnchanged`: nothing outbound changed (an inbound claim), so the rows and their lease stay as they are.
   */
  private async write(c: pg.PoolClient, doc: ConversationDoc, summary: StoredSummary | ConversationSummary | null, o: { hadDeliverable?: boolean; outboxUnchanged?: boolean }): Promise<void> {
    doc.updatedAt = this.now();
    const items = o.outboxUnchanged ? [] : deliverable(doc);
    if (items.length || o.hadDeliverable) {
      // the outbox rows follow the document in the same transaction; whoever writes the conversation holds the lease
      await c.query(
        `WITH gone AS (DELETE FROM outbox WHERE conversation_id = $1 AND NOT (item_id = ANY($2::text[])))
         INSERT INTO outbox (conversation_id, item_id, due_at, lease_owner, lease_until)
         SELECT $1, i.item_id, now() + make_interval(secs => i.delay_ms / 1000), $4, now() + make_interval(secs => $5::float8 / 1000)
           FROM unnest($2::text[], $3::float8[]) AS i(item_id, delay_ms)
         ON CONFLICT (conversation_id, item_id) DO UPDATE
           SET due_at = excluded.due_at, lease_owner = excluded.lease_owner, lease_until = excluded.lease_until`,
        [doc.id, items.map((i) => i.id), items.map((i) => Math.max(0, (i.nextAttemptAt ?? 0) - doc.updatedAt)), this.instanceId, this.leaseMs],
      );
    }
    // like the lowdb index: listed once the conversation leaves the bot or stops, and kept listed afterwards
    const listed = doc.handoff.status !== 'bot' || doc.stopped || summary !== null;
    await c.query(
      'UPDATE conversations SET doc = $2, status = $3, stopped = $4, pending = $5, summary = $6, updated_at = now() WHERE id = $1',
      [doc.id, this.o.sealer.encrypt(JSON.stringify(doc)), doc.handoff.status, doc.stopped, hasPendingWork(doc), listed ? JSON.stringify(sealSummary(summarize(doc), this.o.sealer)) : null],
    );
  }

  private unseal(sealed: string): ConversationDoc {
    return JSON.parse(this.o.sealer.decrypt(sealed)) as ConversationDoc;
  }

  /** BEGIN, run, COMMIT (or ROLLBACK when nothing changed or on error); a broken connection is discarded. */
  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<{ result: T; commit: boolean }>): Promise<T> {
    const c = await this.o.pool.connect();
    let broken: Error | undefined;
    // a connection lost while the callback runs (no query active) would otherwise be an unhandled 'error'
    const lost = (err: Error) => (broken = err);
    c.on('error', lost);
    try {
      await c.query('BEGIN');
      let out: { result: T; commit: boolean };
      try {
        out = await fn(c);
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      }
      await c.query(out.commit ? 'COMMIT' : 'ROLLBACK');
      return out.result;
    } finally {
      c.off('error', lost);
      c.release(broken);
    }
  }
}

/** Outbound messages still to deliver: the rows of the outbox table. */
function deliverable(doc: ConversationDoc): ConversationDoc['outbox'] {
  return doc.outbox.filter((o) => o.state === 'pending' || o.state === 'sending');
}
