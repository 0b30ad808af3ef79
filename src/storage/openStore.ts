import path from 'node:path';
import type { Config } from '../config/config';
import type { ConversationStore } from '../domain/conversationStore';
import type { ErasedMessageLog } from '../domain/erasedMessages';
import { ErasedLogFile } from './erasedLogFile';
import { PgErasedLog } from './pg/pgErasedLog';
import type { Logger } from '../logging/logger';
import type { Sealer } from './durableFile';
import { LowdbConversationStore } from './lowdbConversationStore';
import { PgConversationStore } from './pg/pgConversationStore';
import { openPostgres, type Postgres } from './pg/postgres';

export interface OpenedStore {
  store: ConversationStore;
  /** message SIDs of erased conversations (keyed hashes), refused when replayed */
  erased: ErasedMessageLog;
  /** with DATABASE_URL: the pool (console accounts, events and locks share it) and the store's own interface */
  pg?: Postgres;
  pgStore?: PgConversationStore;
  /** closes the store and, with PostgreSQL, the pool */
  close(): Promise<void>;
}

/**
 * The conversation store for this configuration: PostgreSQL with DATABASE_URL (schema migrated), else the
 * embedded files under DATA_DIR/store. Opened the same way by the app and the maintenance tools
 * (`npm run purge`, `npm run keys:rotate`).
 */
export async function openConversationStore(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>, opts: { sealer: Sealer; logger: Logger; now?: () => number },
): Promise<OpenedStore> {
  if (!config.databaseUrl) {
    const store = await LowdbConversationStore.open({ dataDir: path.join(config.dataDir, 'store'), sealer: opts.sealer, now: opts.now });
    const erased = await ErasedLogFile.open(path.join(config.dataDir, 'store'), opts.now);
    return { store, erased, close: () => store.close() };
  }
  const pg = await openPostgres(config.databaseUrl, opts.logger);
  const pgStore = await PgConversationStore.open({ pool: pg.pool, sealer: opts.sealer, now: opts.now });
  return {
    store: pgStore, erased: new PgErasedLog(pg.pool, opts.now), pg, pgStore,
    close: async () => {
      await pgStore.close();
      await pg.close();
    },
  };
}
