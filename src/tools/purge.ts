import path from 'node:path';
import { loadConfigFromProcess, type Config } from '../config/config';
import { createLogger } from '../logging/logger';
import { resolveSecrets } from '../privacy/secrets';
import { Cipher, parseKeyRing } from '../privacy/cipher';
import { Pseudonymizer } from '../privacy/pseudonym';
import { Eraser } from '../privacy/eraser';
import { Retention, type PurgeResult } from '../privacy/retention';
import { loadContent, projectRoot } from '../knowledge/loadContent';
import { I18nTranslator } from '../bot/translator';
import { twilioChannelFor } from '../channels/twilio/twilioChannelFor';
import { onePurgeAtATime } from '../storage/pg/postgres';
import { openConversationStore } from '../storage/openStore';

/**
 * `npm run purge`: one retention pass now, the same as the app's hourly job: every conversation untouched for
 * RETENTION_DAYS is erased from the store and its messages are deleted at Twilio. The embedded store is
 * single-process: stop the server first (or let its own job do it); PostgreSQL (DATABASE_URL) needs no stop.
 */
export async function purgeNow(config: Config, deps: { now?: () => number; logDestination?: { write(s: string): void } } = {}): Promise<PurgeResult> {
  const logger = createLogger(config.log, deps.logDestination as never);
  const secrets = resolveSecrets({
    dataDir: config.dataDir, pseudonymKey: config.pseudonymKey, dataEncryptionKey: config.dataEncryptionKey, production: config.env === 'production',
  });
  const cipher = new Cipher(parseKeyRing(secrets.dataEncryptionKey));
  const { store, erased, pg, close } = await openConversationStore(config, { sealer: cipher, logger, now: deps.now });
  const pseudonyms = new Pseudonymizer(secrets.pseudonymKey);
  const { channel } = twilioChannelFor(config);
  // the translator is the Eraser's for telling users; a purge never tells anyone
  const translator = new I18nTranslator(loadContent(path.join(projectRoot(), 'locales')));
  const eraser = new Eraser({
    store, channel, translator, logger,
    erased, messageHash: (sid) => pseudonyms.messageHash(sid), now: deps.now,
  });
  // with DATABASE_URL, not while an instance's own hourly purge runs (it would erase the same conversations)
  const retention = new Retention({ store, eraser, logger, retentionDays: config.retentionDays, now: deps.now, exclusive: pg && onePurgeAtATime(pg) });
  try {
    return await retention.purge();
  } finally {
    await close();
  }
}

if (require.main === module) {
  purgeNow(loadConfigFromProcess())
    .then((r) => {
      console.log(`purge: ${r.checked} conversation(s) checked, ${r.purged} purged, ${r.twilioDeleted} message(s) deleted at Twilio, ${r.failed} failed`);
      process.exit(r.failed ? 1 : 0);
    })
    .catch((err) => {
      console.error(`purge failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
