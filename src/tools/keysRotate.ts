import { loadConfigFromProcess, type Config } from '../config/config';
import { createLogger } from '../logging/logger';
import { Cipher, parseKeyRing } from '../privacy/cipher';
import { openConversationStore } from '../storage/openStore';

export interface RotationResult {
  /** id of the key everything is now encrypted with (the first of DATA_ENCRYPTION_KEY) */
  keyId: string;
  conversations: number;
  resealed: number;
  /** conversations that could not be decrypted with any key given (their key is missing from the ring) */
  failed: number;
  /** conversations read back afterwards with the new key alone */
  verified: number;
}

/**
 * `DATA_ENCRYPTION_KEY="<new id>:<hex>,<old id>:<hex>" npm run keys:rotate`: re-encrypts every sealed document
 * (the conversation documents: everything personal lives there) with the first key, then reads every one back
 * with that key alone. When `failed` is 0 and `verified` equals `conversations`, the old keys can be removed.
 * The embedded store is single-process: stop the server first. On PostgreSQL (DATABASE_URL) the instances may run,
 * once they all have the new key first in their DATA_ENCRYPTION_KEY (else they write with the old key again).
 */
export async function rotateKeys(config: Config, deps: { logDestination?: { write(s: string): void } } = {}): Promise<RotationResult> {
  if (!config.dataEncryptionKey) {
    throw new Error('keys:rotate: set DATA_ENCRYPTION_KEY="<new id>:<64 hex>,<old id>:<64 hex>" (the first key encrypts, the others only decrypt)');
  }
  const ring = parseKeyRing(config.dataEncryptionKey);
  const logger = createLogger(config.log, deps.logDestination as never);
  const result: RotationResult = { keyId: ring.current.id, conversations: 0, resealed: 0, failed: 0, verified: 0 };

  const { store, close } = await openConversationStore(config, { sealer: new Cipher(ring), logger });
  try {
    const ids = await store.listAllIds();
    result.conversations = ids.length;
    for (const id of ids) {
      try {
        if (await store.reseal(id)) result.resealed++;
      } catch {
        result.failed++;
      }
    }
  } finally {
    await close();
  }

  const newKeyOnly = new Cipher({ current: ring.current, all: new Map([[ring.current.id, ring.current.key]]) });
  const check = await openConversationStore(config, { sealer: newKeyOnly, logger });
  try {
    for (const id of await check.store.listAllIds()) {
      if (await check.store.read(id).then((d) => !!d, () => false)) result.verified++;
    }
  } finally {
    await check.close();
  }
  return result;
}

if (require.main === module) {
  rotateKeys(loadConfigFromProcess())
    .then((r) => {
      console.log(`keys:rotate: ${r.resealed} of ${r.conversations} conversation(s) re-encrypted with key "${r.keyId}", ${r.failed} failed; ${r.verified} readable with that key alone`);
      const done = r.failed === 0 && r.verified === r.conversations;
      console.log(done ? `keys:rotate: done. DATA_ENCRYPTION_KEY can now be just the "${r.keyId}" key.` : 'keys:rotate: NOT done: keep the old keys in DATA_ENCRYPTION_KEY and look at the failures.');
      process.exit(done ? 0 : 1);
    })
    .catch((err) => {
      console.error(`keys:rotate failed: ${(err as Error).message}`);
      process.exit(1);
    });
}
