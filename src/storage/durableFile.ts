import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Adapter } from 'lowdb';

/**
 * Atomic, flushed replacement of a file: write a temporary file, fsync it, rename it over the target, fsync the
 * directory. A crash at any instant leaves either the old or the new content, never a torn file.
 */
export async function writeFileDurably(file: string, data: string | Buffer): Promise<void> {
  await (await writeFileDurablyOverlapped(file, data)).dirSynced;
}

/**
 * The same write, returning as soon as the flushed file is renamed into place (a killed process already sees the
 * new content), with `dirSynced` resolving once the directory fsync makes the rename survive a power loss too.
 * Lets a caller overlap that fsync with work that does not depend on it (e.g. sending a request).
 */
export async function writeFileDurablyOverlapped(file: string, data: string | Buffer): Promise<{ dirSynced: Promise<void> }> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  const dirSynced = syncDir(dir);
  dirSynced.catch(() => undefined);
  return { dirSynced };
}

async function fsyncDir(dir: string): Promise<void> {
  const dh = await fs.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * Group commit for directory entries: one fsync of a directory makes every rename done in it before the fsync
 * started durable. A caller whose rename happened while a sync was already running waits for the next one;
 * everyone who asked meanwhile shares that next one. Under load this turns N directory fsyncs into about 2.
 */
const dirSyncs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

export function syncDir(dir: string): Promise<void> {
  const state = dirSyncs.get(dir);
  if (!state) {
    const running = fsyncDir(dir).finally(() => advance(dir));
    dirSyncs.set(dir, { running });
    return running;
  }
  state.next ??= state.running.catch(() => undefined).then(() => fsyncDir(dir));
  return state.next;
}

function advance(dir: string): void {
  const state = dirSyncs.get(dir);
  if (!state) return;
  if (state.next) {
    const running = state.next.finally(() => advance(dir));
    dirSyncs.set(dir, { running });
  } else dirSyncs.delete(dir);
}

export interface Sealer {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

/** lowdb adapter: one JSON document per file, sealed (encrypted) at rest and written durably. */
export class SealedJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string, private readonly sealer: Sealer) {}

  async read(): Promise<T | null> {
    const json = await this.readJson();
    return json === null ? null : (JSON.parse(json) as T);
  }

  /** the decrypted JSON text, or null when there is no file */
  async readJson(): Promise<string | null> {
    let raw: string;
    try {
      raw = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return this.sealer.decrypt(raw);
  }

  async write(data: T): Promise<void> {
    await this.writeJson(JSON.stringify(data));
  }

  /** writes JSON text the caller already serialised (saves a second stringify of the same document) */
  async writeJson(json: string): Promise<void> {
    await writeFileDurably(this.file, this.sealer.encrypt(json));
  }

  /** as writeJson, returning once the file is in place; see writeFileDurablyOverlapped */
  writeJsonOverlapped(json: string): Promise<{ dirSynced: Promise<void> }> {
    return writeFileDurablyOverlapped(this.file, this.sealer.encrypt(json));
  }
}

/** lowdb adapter for small plain JSON documents without personal data (indexes), written durably. */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(data: T): Promise<void> {
    await writeFileDurably(this.file, JSON.stringify(data));
  }
}

/** Removes temporary files a killed process left behind. */
export async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith('.tmp')).map((n) => fs.rm(path.join(dir, n), { force: true })));
}
