import path from 'node:path';
import type { Config } from '../config/config';
import type { ConversationStore } from '../domain/conversationStore';
import type { Logger } from '../logging/logger';
import type { Sealer } from '../storage/durableFile';
import { LowdbConversationStore } from '../storage/lowdbConversationStore';
import { PgConversationStore } from '../storage/pg/pgConversationStore';
import { openPostgres } from '../storage/pg/postgres';

/**
 * The conversation store the app would open for this configuration (PostgreSQL with DATABASE_URL, else the
 * embedded files under DATA_DIR), for the maintenance tools (`npm run purge`, `npm run keys:rotate`).
 * `close()` closes the store and, with PostgreSQL, the pool.
 */
export async function openMaintenanceStore(
  config: Config, opts: { sealer: Sealer; logger: Logger; now?: () => number },
): Promise<{ store: ConversationStore; close(): Promise<void> }> {
  if (!config.databaseUrl) {
    const store = await LowdbConversationStore.open({ dataDir: path.join(config.dataDir, 'store'), sealer: opts.sealer, now: opts.now });
    return { store, close: () => store.close() };
  }
  const pg = await openPostgres(config.databaseUrl, opts.logger);
  const store = await PgConversationStore.open({ pool: pg.pool, sealer: opts.sealer, now: opts.now });
  return {
    store,
    close: async () => {
      await store.close();
      await pg.close();
    },
  };
}
