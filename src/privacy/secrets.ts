import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface Secrets {
  pseudonymKey: string;
  dataEncryptionKey: string;
  /** Only in dry-run: the token that signs local webhooks (simulator, `npm run chat`). */
  devAuthToken: string;
  generated: string[];
}

/**
 * Keys from the configuration, or (outside production only) generated once into DATA_DIR/secrets.json.
 * Production never reaches here without both keys: the config schema refuses to start.
 */
export function resolveSecrets(opts: { dataDir: string; pseudonymKey?: string; dataEncryptionKey?: string; production: boolean }): Secrets {
  const file = path.join(opts.dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8'));
  const generated: string[] = [];
  const pick = (given: string | undefined, key: 'pseudonymKey' | 'dataEncryptionKey' | 'devAuthToken', make: () => string) => {
    if (given) return given;
    if (stored[key]) return stored[key] as string;
    if (opts.production && key !== 'devAuthToken') throw new Error(`resolveSecrets(): ${key} is required in production`);
    generated.push(key);
    return (stored[key] = make());
  };
  const secrets: Secrets = {
    pseudonymKey: pick(opts.pseudonymKey, 'pseudonymKey', () => randomBytes(32).toString('hex')),
    dataEncryptionKey: pick(opts.dataEncryptionKey, 'dataEncryptionKey', () => `k${Date.now().toString(36)}:${randomBytes(32).toString('hex')}`),
    devAuthToken: pick(undefined, 'devAuthToken', () => randomBytes(16).toString('hex')),
    generated,
  };
  if (generated.length) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    // only generated keys are written: a key given in the environment never lands on disk
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return secrets;
}
