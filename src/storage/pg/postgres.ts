import path from 'node:path';
import pg from 'pg';
import type * as NodePgMigrate from 'node-pg-migrate/dist/bundle/index';
import type { Logger } from '../../logging/logger';
import { projectRoot } from '../../config/projectRoot';

export interface Postgres {
  pool: pg.Pool;
  close(): Promise<void>;
}

export const MIGRATIONS_TABLE = 'pgmigrations';
/** connections in the shared pool; the conversation store reserves part of it for locks it holds during turns */
export const POOL_MAX = 10;

export function migrationsDir(): string {
  return path.join(projectRoot(), 'src', 'storage', 'migrations');
}

/**
 * Connects and brings the schema up to date (node-pg-migrate, SQL files in src/storage/migrations). Several
 * instances may start at once: each waits for the migration advisory lock (node-pg-migrate alone would fail
 * fast with "Another migration is already running"), then finds nothing left to do.
 */
export async function openPostgres(url: string, logger: Logger): Promise<Postgres> {
  if (!url) throw new Error('openPostgres(): a database URL is required');
  const pool = new pg.Pool({ connectionString: url, max: POOL_MAX, idleTimeoutMillis: 30_000 });
  // an idle client losing its connection must not crash the process; the pool replaces it
  pool.on('error', (err) => logger.warn({ err: { message: err.message } }, 'PostgreSQL: idle client error'));
  try {
    await migrate(pool, logger);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    pool,
    close: () => (closed ??= pool.end()),
  };
}

async function migrate(pool: pg.Pool, logger: Logger): Promise<void> {
  // ESM-only, loaded with require(esm); its types are not reachable with moduleResolution "node"
  const { runner, PG_MIGRATE_LOCK_ID } = require('node-pg-migrate') as typeof NodePgMigrate;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // blocking lock; node-pg-migrate's own try-lock on the same session then succeeds (advisory locks are re-entrant)
    await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATE_LOCK_ID]);
    try {
      const ran = await runner({
        dbClient: client,
        dir: migrationsDir(),
        migrationsTable: MIGRATIONS_TABLE,
        direction: 'up',
        singleTransaction: true,
        checkOrder: true,
        log: () => undefined,
      });
      if (ran.length) logger.info({ migrations: ran.map((m) => m.name) }, 'PostgreSQL schema migrated');
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATE_LOCK_ID]);
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Runs `fn` only if no other session (any instance) holds the advisory lock `key`; otherwise resolves undefined at
 * once. For work one instance does for all, such as the retention purge.
 */
export async function ifFirst<T>(pool: pg.Pool, key: number, fn: () => Promise<T>): Promise<T | undefined> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
    if (!rows[0]?.ok) return undefined;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch((err: Error) => (broken = err));
    }
  } catch (err) {
    broken ??= err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/** advisory lock keys of this application (node-pg-migrate uses its own) */
export const LOCKS = { retention: 0x736d6201 } as const;

/** The retention purge's `exclusive` on a shared database: one purge at a time across instances and tools. */
export function onePurgeAtATime(pg: Postgres): <T>(fn: () => Promise<T>) => Promise<T | undefined> {
  return (fn) => ifFirst(pg.pool, LOCKS.retention, fn);
}
