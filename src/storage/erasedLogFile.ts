import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErasedMessageLog } from '../domain/erasedMessages';
import { writeFileDurably } from './durableFile';

/** The embedded store's erased-message log: one small JSON file of hash -> expiry, rewritten durably on change. */
export class ErasedLogFile implements ErasedMessageLog {
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string, private readonly entries: Map<string, number>, private readonly now: () => number) {}

  static async open(dir: string, now: () => number = Date.now): Promise<ErasedLogFile> {
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'erased.json');
    let entries: Record<string, number> = {};
    try {
      entries = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, number>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new ErasedLogFile(file, new Map(Object.entries(entries)), now);
  }

  async remember(hashes: string[], until: number): Promise<void> {
    const now = this.now();
    for (const [h, exp] of this.entries) if (exp <= now) this.entries.delete(h);
    for (const h of hashes) this.entries.set(h, until);
    const data = JSON.stringify(Object.fromEntries(this.entries));
    // one write at a time, in order: the last one holds every entry
    this.writing = this.writing.then(() => writeFileDurably(this.file, data));
    await this.writing;
  }

  async has(hash: string): Promise<boolean> {
    const exp = this.entries.get(hash);
    return exp !== undefined && exp > this.now();
  }
}
