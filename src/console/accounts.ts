import fs from 'node:fs/promises';
import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Low } from 'lowdb';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import { DurableJsonFile } from '../storage/durableFile';

export type Role = 'counsellor' | 'supervisor';

export interface Account {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  failures: number;
  lockedUntil?: number;
}

interface SessionRecord {
  /** sha-256 of the session id: a leaked file does not give working sessions */
  idHash: string;
  name: string;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
}

interface AccountsData {
  accounts: Account[];
  sessions: SessionRecord[];
}

export interface AuditEntry {
  at: number;
  who: string;
  action: string;
  conversationId?: string;
  detail?: Record<string, string | number | boolean | undefined>;
}

export interface SessionInfo {
  name: string;
  role: Role;
  csrf: string;
}

export type LoginResult =
  | { ok: true; sessionId: string; session: SessionInfo }
  | { ok: false; reason: 'invalid' | 'locked'; lockedUntil?: number };

export const LIMITS = {
  maxFailures: 5,
  lockMs: 15 * 60_000,
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 60 * 60_000,
  /** lastSeenAt is kept in memory on every request and written at most this often */
  touchWriteMs: 60_000,
};

const NAME = /^[a-z0-9][a-z0-9._-]{1,31}$/;
const ARGON = { algorithm: Algorithm.Argon2id } as const;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/**
 * Counsellor and supervisor accounts, their sessions and the audit log, in `<dir>/accounts.json` and
 * `<dir>/audit.log` (JSON lines, append only). Passwords are argon2id hashes; session ids are random 32 bytes and
 * only their hashes are stored. Five failed logins lock an account for 15 minutes; a session ends after 30
 * minutes idle or 12 hours in any case.
 */
export class ConsoleAccounts {
  private dummyHash?: string;
  private lastWritten = new Map<string, number>();
  private seenMtime = 0;

  private constructor(
    private readonly db: Low<AccountsData>, private readonly file: string, private readonly auditFile: string, private readonly now: () => number,
  ) {}

  static async open(o: { dir: string; now?: () => number }): Promise<ConsoleAccounts> {
    if (!o.dir) throw new Error('ConsoleAccounts.open(): dir is required');
    await fs.mkdir(o.dir, { recursive: true, mode: 0o700 });
    const db = new Low<AccountsData>(new DurableJsonFile<AccountsData>(path.join(o.dir, 'accounts.json')), { accounts: [], sessions: [] });
    await db.read();
    db.data ??= { accounts: [], sessions: [] };
    db.data.accounts ??= [];
    db.data.sessions ??= [];
    const accounts = new ConsoleAccounts(db, path.join(o.dir, 'accounts.json'), path.join(o.dir, 'audit.log'), o.now ?? Date.now);
    accounts.seenMtime = await accounts.mtime();
    return accounts;
  }

  private async mtime(): Promise<number> {
    return fs.stat(this.file).then((st) => st.mtimeMs, () => 0);
  }

  /** `npm run console:user` may change the file while the server runs: read it again when it did. */
  private async refresh(): Promise<void> {
    const m = await this.mtime();
    if (m === this.seenMtime) return;
    await this.db.read();
    this.db.data ??= { accounts: [], sessions: [] };
    this.seenMtime = m;
  }

  private async save(): Promise<void> {
    await this.db.write();
    this.seenMtime = await this.mtime();
  }

  static validName(name: string): boolean {
    return NAME.test(name);
  }

  async reload(): Promise<void> {
    await this.refresh();
  }

  list(): Array<{ name: string; role: Role }> {
    return this.db.data.accounts.map((a) => ({ name: a.name, role: a.role }));
  }

  get(name: string): { name: string; role: Role } | undefined {
    const a = this.db.data.accounts.find((x) => x.name === name);
    return a && { name: a.name, role: a.role };
  }

  async add(name: string, role: Role, password: string): Promise<void> {
    await this.refresh();
    if (!NAME.test(name)) throw new Error('ConsoleAccounts.add(): name must be 2-32 of a-z 0-9 . _ -');
    if (role !== 'counsellor' && role !== 'supervisor') throw new Error('ConsoleAccounts.add(): role must be counsellor or supervisor');
    if (typeof password !== 'string' || password.length < 12) throw new Error('ConsoleAccounts.add(): password must have at least 12 characters');
    if (this.db.data.accounts.some((a) => a.name === name)) throw new Error(`ConsoleAccounts.add(): ${name} exists`);
    const passwordHash = await hash(password, ARGON);
    this.db.data.accounts.push({ name, role, passwordHash, createdAt: this.now(), failures: 0 });
    await this.save();
    await this.audit({ who: 'admin', action: 'account.add', detail: { name, role } });
  }

  async setPassword(name: string, password: string): Promise<void> {
    await this.refresh();
    const a = this.db.data.accounts.find((x) => x.name === name);
    if (!a) throw new Error(`ConsoleAccounts.setPassword(): no account ${name}`);
    if (password.length < 12) throw new Error('ConsoleAccounts.setPassword(): password must have at least 12 characters');
    a.passwordHash = await hash(password, ARGON);
    a.failures = 0;
    a.lockedUntil = undefined;
    this.db.data.sessions = this.db.data.sessions.filter((s) => s.name !== name);
    await this.save();
    await this.audit({ who: 'admin', action: 'account.password', detail: { name } });
  }

  async remove(name: string): Promise<void> {
    await this.refresh();
    this.db.data.accounts = this.db.data.accounts.filter((a) => a.name !== name);
    this.db.data.sessions = this.db.data.sessions.filter((s) => s.name !== name);
    await this.save();
    await this.audit({ who: 'admin', action: 'account.remove', detail: { name } });
  }

  async login(name: string, password: string): Promise<LoginResult> {
    await this.refresh();
    const now = this.now();
    const a = this.db.data.accounts.find((x) => x.name === name);
    if (!a) {
      // same work as a real check, so a name's existence does not show in the timing
      this.dummyHash ??= await hash(randomBytes(16).toString('hex'), ARGON);
      await verify(this.dummyHash, String(password)).catch(() => false);
      await this.audit({ who: String(name).slice(0, 32), action: 'login.failed' });
      return { ok: false, reason: 'invalid' };
    }
    if (a.lockedUntil && a.lockedUntil > now) {
      await this.audit({ who: a.name, action: 'login.locked' });
      return { ok: false, reason: 'locked', lockedUntil: a.lockedUntil };
    }
    const good = await verify(a.passwordHash, String(password)).catch(() => false);
    if (!good) {
      a.failures = (a.lockedUntil && a.lockedUntil <= now ? 0 : a.failures) + 1;
      a.lockedUntil = undefined;
      if (a.failures >= LIMITS.maxFailures) {
        a.lockedUntil = now + LIMITS.lockMs;
        a.failures = 0;
      }
      await this.save();
      await this.audit({ who: a.name, action: a.lockedUntil ? 'login.lockout' : 'login.failed' });
      return a.lockedUntil ? { ok: false, reason: 'locked', lockedUntil: a.lockedUntil } : { ok: false, reason: 'invalid' };
    }
    a.failures = 0;
    a.lockedUntil = undefined;
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    this.db.data.sessions = this.db.data.sessions.filter((s) => this.alive(s, now));
    this.db.data.sessions.push({ idHash: sha256(sessionId), name: a.name, csrf, createdAt: now, lastSeenAt: now });
    await this.save();
    await this.audit({ who: a.name, action: 'login' });
    return { ok: true, sessionId, session: { name: a.name, role: a.role, csrf } };
  }

  /** The session behind a cookie value, renewing its idle timer (unless `touch: false`); undefined when unknown or expired. */
  async session(sessionId: string | undefined, opts: { touch?: boolean } = {}): Promise<SessionInfo | undefined> {
    if (!sessionId) return undefined;
    await this.refresh();
    const now = this.now();
    const idHash = sha256(sessionId);
    const s = this.db.data.sessions.find((x) => x.idHash === idHash);
    if (!s) return undefined;
    const a = this.db.data.accounts.find((x) => x.name === s.name);
    if (!a || !this.alive(s, now)) {
      this.db.data.sessions = this.db.data.sessions.filter((x) => x !== s);
      await this.save();
      if (a) await this.audit({ who: a.name, action: 'session.expired' });
      return undefined;
    }
    if (opts.touch === false) return { name: a.name, role: a.role, csrf: s.csrf };
    s.lastSeenAt = now;
    if (now - (this.lastWritten.get(idHash) ?? s.createdAt) >= LIMITS.touchWriteMs) {
      this.lastWritten.set(idHash, now);
      await this.save();
    }
    return { name: a.name, role: a.role, csrf: s.csrf };
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (!sessionId) return;
    const idHash = sha256(sessionId);
    const s = this.db.data.sessions.find((x) => x.idHash === idHash);
    if (!s) return;
    this.db.data.sessions = this.db.data.sessions.filter((x) => x !== s);
    this.lastWritten.delete(idHash);
    await this.save();
    await this.audit({ who: s.name, action: 'logout' });
  }

  static csrfMatches(expected: string, given: unknown): boolean {
    if (typeof given !== 'string' || given.length !== expected.length) return false;
    return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
  }

  async audit(e: Omit<AuditEntry, 'at'>): Promise<void> {
    const entry: AuditEntry = { at: this.now(), ...e };
    await fs.appendFile(this.auditFile, JSON.stringify(entry) + '\n', { mode: 0o600 });
  }

  async readAudit(): Promise<AuditEntry[]> {
    try {
      const raw = await fs.readFile(this.auditFile, 'utf8');
      return raw.split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditEntry);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private alive(s: SessionRecord, now: number): boolean {
    return now - s.lastSeenAt < LIMITS.idleMs && now - s.createdAt < LIMITS.absoluteMs;
  }
}
