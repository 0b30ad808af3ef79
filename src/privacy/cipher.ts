import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a key ring: the first key encrypts, any key decrypts by its id, so keys can rotate
 * (`npm run keys:rotate` re-encrypts everything with the newest key).
 * Format: `enc:v1:<keyId>:<iv b64url>:<tag b64url>:<ciphertext b64url>`.
 */
export interface KeyRing {
  current: { id: string; key: Buffer };
  all: Map<string, Buffer>;
}

export function parseKeyRing(spec: string): KeyRing {
  const entries = spec.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = s.match(/^([A-Za-z0-9_-]{1,32}):([0-9a-fA-F]{64})$/);
    if (!m) throw new Error('DATA_ENCRYPTION_KEY: each key must be "<id>:<64 hex characters>"');
    return [m[1], Buffer.from(m[2], 'hex')] as const;
  });
  if (!entries.length) throw new Error('DATA_ENCRYPTION_KEY: no key');
  return { current: { id: entries[0][0], key: entries[0][1] }, all: new Map(entries) };
}

export class Cipher {
  constructor(private readonly ring: KeyRing) {
    if (!ring?.current) throw new Error('Cipher: a key ring is required');
  }

  get currentKeyId(): string {
    return this.ring.current.id;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.ring.current.key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['enc', 'v1', this.ring.current.id, iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 6 || parts[0] !== 'enc' || parts[1] !== 'v1') throw new Error('Cipher.decrypt(): not an encrypted value');
    const key = this.ring.all.get(parts[2]);
    if (!key) throw new Error(`Cipher.decrypt(): unknown key id ${parts[2]}`);
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[3], 'base64url'));
    d.setAuthTag(Buffer.from(parts[4], 'base64url'));
    return Buffer.concat([d.update(Buffer.from(parts[5], 'base64url')), d.final()]).toString('utf8');
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.startsWith('enc:v1:') ? sealed.split(':')[2] : undefined;
  }
}
