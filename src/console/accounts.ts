import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';
import type { AccountsRepository, AuditEntry, Role, SessionRecord } from './accountsRepository';
import { LowdbAccountsRepository } from './lowdbAccountsRepository';

export type { AuditEntry, Role } from './accountsRepository';

/** salt of the hashes that stand for unknown names in the audit log: new at every start, never stored */
const UNKNOWN_NAME_SALT = randomBytes(16);

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
 * Counsellor and supervisor accounts, their sessions and the audit log, kept by an AccountsRepository (files under
 * DATA_DIR, or PostgreSQL). Passwords are argon2id hashes; session ids are random 32 bytes and only their hashes are
 * stored. Five failed logins lock an account for 15 minutes; a session ends after 30 minutes idle or 12 hours in
 * any case.
 */
export class ConsoleAccounts {
  private dummyHash?: string;
  /** idHash -> when this process last saw the session / last wrote that down */
  private seen = new Map<string, { at: number; written: number }>();

  constructor(private readonly repo: AccountsRepository, private readonly now: () => number = Date.now) {
    if (!repo) throw new Error('ConsoleAccounts: a repository is required');
  }

  /** The embedded default: files in `dir`. */
  static async open(o: { dir: string; now?: () => number }): Promise<ConsoleAccounts> {
    if (!o.dir) throw new Error('ConsoleAccounts.open(): dir is required');
    return new ConsoleAccounts(await LowdbAccountsRepository.open(o.dir), o.now);
  }

  static validName(name: string): boolean {
    return NAME.test(name);
  }

  list(): Promise<Array<{ name: string; role: Role }>> {
    return this.repo.listAccounts();
  }

  async get(name: string): Promise<{ name: string; role: Role } | undefined> {
    const a = await this.repo.getAccount(name);
    return a && { name: a.name, role: a.role };
  }

  async add(name: string, role: Role, password: string): Promise<void> {
    if (!NAME.test(name)) throw new Error('ConsoleAccounts.add(): name must be 2-32 of a-z 0-9 . _ -');
    if (role !== 'counsellor' && role !== 'supervisor') throw new Error('ConsoleAccounts.add(): role must be counsellor or supervisor');
    if (typeof password !== 'string' || password.length < 12) throw new Error('ConsoleAccounts.add(): password must have at least 12 characters');
    const passwordHash = await hash(password, ARGON);
    if (!(await this.repo.insertAccount({ name, role, passwordHash, createdAt: this.now(), failures: 0 }))) throw new Error(`ConsoleAccounts.add(): ${name} exists`);
    await this.audit({ who: 'admin', action: 'account.add', detail: { name, role } });
  }

  async setPassword(name: string, password: string): Promise<void> {
    if (typeof password !== 'string' || password.length < 12) throw new Error('ConsoleAccounts.setPassword(): password must have at least 12 characters');
    if (!(await this.repo.setPasswordHash(name, await hash(password, ARGON)))) throw new Error(`ConsoleAccounts.setPassword(): no account ${name}`);
    await this.audit({ who: 'admin', action: 'account.password', detail: { name } });
  }

  async remove(name: string): Promise<void> {
    await this.repo.deleteAccount(name);
    await this.audit({ who: 'admin', action: 'account.remove', detail: { name } });
  }

  async login(name: string, password: string): Promise<LoginResult> {
    const now = this.now();
    const a = await this.repo.getAccount(name);
    if (!a) {
      // same work as a real check, so a name's existence does not show in the timing
      this.dummyHash ??= await hash(randomBytes(16).toString('hex'), ARGON);
      await verify(this.dummyHash, String(password)).catch(() => false);
      // never the text typed (a password typed into the name field must not land in the log): a hash salted
      // per process, enough to see repeated attempts with one name, useless to anyone who reads the file later
      await this.audit({ who: `unknown name ${createHash('sha256').update(UNKNOWN_NAME_SALT).update(String(name)).digest('hex').slice(0, 12)}`, action: 'login.failed' });
      return { ok: false, reason: 'invalid' };
    }
    if (a.lockedUntil && a.lockedUntil > now) {
      await this.audit({ who: a.name, action: 'login.locked' });
      return { ok: false, reason: 'locked', lockedUntil: a.lockedUntil };
    }
    const good = await verify(a.passwordHash, String(password)).catch(() => false);
    if (!good) {
      const { lockedUntil } = await this.repo.recordFailure(a.name, now, LIMITS);
      await this.audit({ who: a.name, action: lockedUntil ? 'login.lockout' : 'login.failed' });
      return lockedUntil ? { ok: false, reason: 'locked', lockedUntil } : { ok: false, reason: 'invalid' };
    }
    await this.repo.clearFailures(a.name);
    const sessionId = randomBytes(32).toString('base64url');
    const csrf = randomBytes(32).toString('base64url');
    await this.repo.deleteExpiredSessions(now, LIMITS.idleMs, LIMITS.absoluteMs);
    await this.repo.insertSession({ idHash: sha256(sessionId), name: a.name, csrf, createdAt: now, lastSeenAt: now });
    await this.audit({ who: a.name, action: 'login' });
    return { ok: true, sessionId, session: { name: a.name, role: a.role, csrf } };
  }

  /** The session behind a cookie value, renewing its idle timer (unless `touch: false`); undefined when unknown or expired. */
  async session(sessionId: string | undefined, opts: { touch?: boolean } = {}): Promise<SessionInfo | undefined> {
    if (!sessionId) return undefined;
    const now = this.now();
    const idHash = sha256(sessionId);
    const s = await this.repo.findSession(idHash);
    if (!s) {
      this.seen.delete(idHash);
      return undefined;
    }
    const a = await this.repo.getAccount(s.name);
    const mine = this.seen.get(idHash);
    const lastSeenAt = Math.max(s.lastSeenAt, mine?.at ?? 0);
    if (!a || !this.alive({ ...s, lastSeenAt }, now)) {
      this.seen.delete(idHash);
      if (await this.repo.deleteSession(idHash)) {
        if (a) await this.audit({ who: a.name, action: 'session.expired' });
      }
      return undefined;
    }
    const info = { name: a.name, role: a.role, csrf: s.csrf };
    if (opts.touch === false) return info;
    const written = mine?.written ?? s.lastSeenAt;
    this.seen.set(idHash, { at: now, written });
    if (now - written >= LIMITS.touchWriteMs) {
      this.seen.set(idHash, { at: now, written: now });
      await this.repo.touchSession(idHash, now);
    }
    return info;
  }

  async logout(sessionId: string | undefined): Promise<void> {
    if (!sessionId) return;
    const idHash = sha256(sessionId);
    this.seen.delete(idHash);
    const s = await this.repo.deleteSession(idHash);
    if (s) await this.audit({ who: s.name, action: 'logout' });
  }

  static csrfMatches(expected: string, given: unknown): boolean {
    if (typeof given !== 'string' || given.length !== expected.length) return false;
    return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
  }

  async audit(e: Omit<AuditEntry, 'at'>): Promise<void> {
    await this.repo.appendAudit({ at: this.now(), ...e });
  }

  /** oldest first; with `limit`, the newest `limit` entries */
  readAudit(q: { conversationId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    return this.repo.readAudit(q);
  }

  close(): Promise<void> {
    return this.repo.close();
  }

  private alive(s: SessionRecord, now: number): boolean {
    return now - s.lastSeenAt < LIMITS.idleMs && now - s.createdAt < LIMITS.absoluteMs;
  }
}
