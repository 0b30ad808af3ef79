// PostgreSQL cases: a fresh database per case (dropped afterwards), the schema made by the app's own migrations
// (openPostgres), conversations bulk-inserted (unnest arrays, a few batches in flight), then VACUUM ANALYZE and a
// CHECKPOINT so neither autovacuum nor a checkpoint of the seed lands in the measurement.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT, require, PSEUDONYM_KEY, DATA_ENCRYPTION_KEY, seededAddress, log } from './common.mjs';
import { runWorkers } from './seed.mjs';

const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
const dist = (p) => require(path.join(ROOT, 'dist', p));

/** PostgreSQL runs here and the app honours DATABASE_URL (src/app.ts reads config.databaseUrl). */
export async function pgAvailability() {
  const app = path.join(ROOT, 'dist', 'src', 'app.js');
  if (!fs.existsSync(app) || !/databaseUrl/.test(fs.readFileSync(app, 'utf8'))) {
    return { available: false, reason: 'the app does not support DATABASE_URL yet' };
  }
  let pg;
  try {
    pg = require('pg');
  } catch {
    return { available: false, reason: 'the pg package is not installed' };
  }
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 2 });
  try {
    await admin.query('SELECT 1');
  } catch (err) {
    await admin.end().catch(() => undefined);
    return { available: false, reason: `no PostgreSQL at ${ADMIN_URL.replace(/\/\/[^@]*@/, '//')} (${err.message})` };
  }
  const names = new Map();
  const urlOf = (db) => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${db}`;
    return u.toString();
  };
  return {
    available: true,
    async fresh(name) {
      const db = `smb_bench_${name.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${db}`);
      names.set(name, db);
      return urlOf(db);
    },
    /** the case database's counters (pg_stat_database; a backend reports when it ends, so read after the server stops) */
    async stats(name) {
      const { rows } = await admin.query(
        'SELECT xact_commit, xact_rollback, blks_read, blks_hit, tup_inserted, tup_updated, tup_fetched FROM pg_stat_database WHERE datname = $1',
        [names.get(name)],
      );
      return rows[0] ? Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)])) : null;
    },
    async drop(name) {
      const db = names.get(name);
      if (db) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      names.delete(name);
    },
    async close() {
      for (const name of [...names.keys()]) await this.drop(name).catch(() => undefined);
      await admin.end();
    },
  };
}

export async function seedPg({ databaseUrl, count, template }) {
  const t0 = Date.now();
  const pino = require('pino');
  const { openPostgres } = dist('src/storage/pg/postgres.js');
  const { PgConversationStore } = dist('src/storage/pg/pgConversationStore.js');
  const { Cipher, parseKeyRing } = dist('src/privacy/cipher.js');
  const { Pseudonymizer } = dist('src/privacy/pseudonym.js');
  const db = await openPostgres(databaseUrl, pino({ level: 'silent' }));
  const cipher = new Cipher(parseKeyRing(DATA_ENCRYPTION_KEY));
  const pseud = new Pseudonymizer(PSEUDONYM_KEY);
  try {
    await runWorkers({ workers: 2, count, mode: 'pg', databaseUrl, template: template.text, sids: template.sids });
    const inserted = Date.now();
    await db.pool.query('VACUUM ANALYZE conversations');
    await db.pool.query('VACUUM ANALYZE inbound_claims');
    const vacuumed = Date.now();
    await db.pool.query('CHECKPOINT');
    log(`  inserts ${((inserted - t0) / 1000).toFixed(1)} s, vacuum ${((vacuumed - inserted) / 1000).toFixed(1)} s, checkpoint ${((Date.now() - vacuumed) / 1000).toFixed(1)} s`);
    const store = await PgConversationStore.open({ pool: db.pool, sealer: cipher });
    for (const j of [0, Math.floor(count / 2), count - 1]) {
      const doc = await store.read(pseud.conversationId('sms', seededAddress(j)));
      if (!doc || doc.address !== seededAddress(j)) throw new Error(`seeded conversation ${j} cannot be read back`);
    }
    const { rows } = await db.pool.query("SELECT count(*)::int AS n, pg_total_relation_size('conversations') AS bytes FROM conversations");
    if (rows[0].n !== count) throw new Error(`seeded ${count} conversations but the table holds ${rows[0].n}`);
    const mb = Math.round(Number(rows[0].bytes) / 2 ** 20);
    log(`seeded ${count} PostgreSQL conversations in ${((Date.now() - t0) / 1000).toFixed(1)} s (${mb} MB)`);
    return { count, seconds: (Date.now() - t0) / 1000, megabytes: mb };
  } finally {
    await db.close();
  }
}
