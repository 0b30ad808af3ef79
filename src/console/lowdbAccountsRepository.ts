import fs from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from '../storage/durableFile';
import { KeyedMutex } from '../storage/keyedMutex';
import type { Account, AccountsRepository, AuditEntry, LockoutPolicy, SessionRecord } from './accountsRepository';

interface AccountsData {
  accounts: Account[];
  sessions: SessionRecord[];
}

/**
 * The embedded default: accounts and sessions in `<dir>/accounts.json` (written atomically), the audit log in
 * `<dir>/audit.log` (JSON lines, append only). One server process; `npm run console:user` may change the file
 * while it runs, so every call reads it again when its modification time changed. Calls run one at a time.
 */
export class LowdbAccountsRepository implements AccountsRepository {
  private seenMtime = 0;
  private readonly mutex = new KeyedMutex();

  private constructor(private readonly db: Low<AccountsData>, private readonly file: string, private readonly auditFile: string) {}

  static async open(dir: string): Promise<LowdbAccountsRepository> {
    if (!dir) throw new Error('LowdbAccountsRepository.open(): dir is required');
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, 'accounts.json');
    const db = new Low<AccountsData>(new DurableJsonFile<AccountsData>(file), { accounts: [], sessions: [] });
    const repo = new LowdbAccountsRepository(db, file, path.join(dir, 'audit.log'));
    await repo.load();
    return repo;
  }

  /** one change at a time: each reads, changes and writes the whole file */
  private one<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run('accounts', fn);
  }

  private async mtime(): Promise<number> {
    return fs.stat(this.file).then((st) => st.mtimeMs, () => 0);
  }

  private async load(): Promise<void> {
    await this.db.read();
    this.db.data ??= { accounts: [], sessions: [] };
    this.db.data.accounts ??= [];
    this.db.data.sessions ??= [];
    this.seenMtime = await this.mtime();
  }

  private async data(): Promise<AccountsData> {
    if ((await this.mtime()) !== this.seenMtime) await this.load();
    return this.db.data;
  }

  private async save(): Promise<void> {
    await this.db.write();
    this.seenMtime = await this.mtime();
  }

  listAccounts() {
    return this.one(async () => {
      return (await this.data()).accounts.map((a) => ({ name: a.name, role: a.role }));
    });
  }

  getAccount(name: string) {
    return this.one(async () => {
      const a = (await this.data()).accounts.find((x) => x.name === name);
      return a && { ...a };
    });
  }

  insertAccount(a: Account) {
    return this.one(async () => {
      const data = await this.data();
      if (data.accounts.some((x) => x.name === a.name)) return false;
      data.accounts.push({ ...a });
      await this.save();
      return true;
    });
  }

  setPasswordHash(name: string, passwordHash: string) {
    return this.one(async () => {
      const data = await this.data();
      const a = data.accounts.find((x) => x.name === name);
      if (!a) return false;
      Object.assign(a, { passwordHash, failures: 0, lockedUntil: undefined });
      data.sessions = data.sessions.filter((s) => s.name !== name);
      await this.save();
      return true;
    });
  }

  deleteAccount(name: string) {
    return this.one(async () => {
      const data = await this.data();
      data.accounts = data.accounts.filter((a) => a.name !== name);
      data.sessions = data.sessions.filter((s) => s.name !== name);
      await this.save();
    });
  }

  recordFailure(name: string, now: number, policy: LockoutPolicy) {
    return this.one(async () => {
      const a = (await this.data()).accounts.find((x) => x.name === name);
      if (!a) return {};
      a.failures = (a.lockedUntil && a.lockedUntil <= now ? 0 : a.failures) + 1;
      a.lockedUntil = undefined;
      if (a.failures >= policy.maxFailures) {
        a.lockedUntil = now + policy.lockMs;
        a.failures = 0;
      }
      await this.save();
      return { lockedUntil: a.lockedUntil };
    });
  }

  clearFailures(name: string) {
    return this.one(async () => {
      const a = (await this.data()).accounts.find((x) => x.name === name);
      if (!a || (a.failures === 0 && a.lockedUntil === undefined)) return;
      Object.assign(a, { failures: 0, lockedUntil: undefined });
      await this.save();
    });
  }

  insertSession(s: SessionRecord) {
    return this.one(async () => {
      (await this.data()).sessions.push({ ...s });
      await this.save();
    });
  }

  findSession(idHash: string) {
    return this.one(async () => {
      const s = (await this.data()).sessions.find((x) => x.idHash === idHash);
      return s && { ...s };
    });
  }

  touchSession(idHash: string, lastSeenAt: number) {
    return this.one(async () => {
      const s = (await this.data()).sessions.find((x) => x.idHash === idHash);
      if (!s) return;
      s.lastSeenAt = Math.max(s.lastSeenAt, lastSeenAt);
      await this.save();
    });
  }

  deleteSession(idHash: string) {
    return this.one(async () => {
      const data = await this.data();
      const s = data.sessions.find((x) => x.idHash === idHash);
      if (!s) return undefined;
      data.sessions = data.sessions.filter((x) => x !== s);
      await this.save();
      return { ...s };
    });
  }

  deleteExpiredSessions(now: number, idleMs: number, absoluteMs: number) {
    return this.one(async () => {
      const data = await this.data();
      const kept = data.sessions.filter((s) => now - s.lastSeenAt < idleMs && now - s.createdAt < absoluteMs);
      if (kept.length === data.sessions.length) return;
      data.sessions = kept;
      await this.save();
    });
  }

  async appendAudit(e: AuditEntry) {
    await fs.appendFile(this.auditFile, JSON.stringify(e) + '\n', { mode: 0o600 });
  }

  async readAudit(q: { conversationId?: string; limit?: number } = {}) {
    let raw: string;
    try {
      raw = await fs.readFile(this.auditFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const all = raw.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry)
      .filter((e) => q.conversationId === undefined || e.conversationId === q.conversationId);
    return q.limit !== undefined ? all.slice(-q.limit) : all;
  }

  async close() {
    // every write is already durable
  }
}
