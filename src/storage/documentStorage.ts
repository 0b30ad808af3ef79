import { randomBytes } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder-core';

/**
 * botbuilder `Storage` over a plain record (the `state` of one conversation document). Honours the eTag
 * contract: a write whose eTag is set, is not '*', and differs from the stored one is rejected; '*', no eTag, or no
 * stored item always wins (as botbuilder's MemoryStorage); every successful write gets a fresh eTag. Items are deep-copied in and out.
 */
export class DocumentStorage implements Storage {
  constructor(private readonly items: Record<string, StoreItem>) {
    if (!items) throw new Error('DocumentStorage: a record is required');
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new Error('DocumentStorage.read(): keys are required');
    const out: StoreItems = {};
    for (const key of keys) {
      const item = this.items[key];
      if (item !== undefined) out[key] = structuredClone(item);
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new Error('DocumentStorage.write(): changes are required');
    for (const [key, item] of Object.entries(changes)) {
      const old = this.items[key];
      const eTag = (item as StoreItem).eTag;
      if (old && eTag && eTag !== '*' && old.eTag !== eTag) {
        throw new Error(`DocumentStorage.write(): eTag conflict on "${key}"`);
      }
      this.items[key] = { ...structuredClone(item), eTag: randomBytes(6).toString('hex') };
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new Error('DocumentStorage.delete(): keys are required');
    for (const key of keys) delete this.items[key];
  }
}
