/**
 * What the console's accounts need from storage: accounts, sessions and the audit log. Two implementations pass
 * one behaviour suite (test/integration/consoleAccounts.test.ts): files under DATA_DIR (lowdbAccountsRepository.ts)
 * and PostgreSQL (pgAccountsRepository.ts). The policy (hashing, lockout, timeouts) lives in ConsoleAccounts.
 */
export type Role = 'counsellor' | 'supervisor';

export interface Account {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: number;
  failures: number;
  lockedUntil?: number;
}

export interface SessionRecord {
  /** sha-256 of the session id: a leaked table or file does not give working sessions */
  idHash: string;
  name: string;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface AuditEntry {
  at: number;
  who: string;
  action: string;
  conversationId?: string;
  detail?: Record<string, string | number | boolean | undefined>;
}

export interface LockoutPolicy {
  maxFailures: number;
  lockMs: number;
}

export interface AccountsRepository {
  listAccounts(): Promise<Array<{ name: string; role: Role }>>;
  getAccount(name: string): Promise<Account | undefined>;
  /** false when an account of that name exists */
  insertAccount(a: Account): Promise<boolean>;
  /** new hash, failures and lock cleared and every session of the account ended; false when there is no such account */
  setPasswordHash(name: string, passwordHash: string): Promise<boolean>;
  /** the account and its sessions */
  deleteAccount(name: string): Promise<void>;
  /**
   * One failed login, counted atomically (concurrent failures are all counted): after `maxFailures` in a row the
   * account is locked for `lockMs` and the count restarts; an expired lock restarts the count too.
   */
  recordFailure(name: string, now: number, policy: LockoutPolicy): Promise<{ lockedUntil?: number }>;
  clearFailures(name: string): Promise<void>;
  insertSession(s: SessionRecord): Promise<void>;
  findSession(idHash: string): Promise<SessionRecord | undefined>;
  touchSession(idHash: string, lastSeenAt: number): Promise<void>;
  /** the removed session, if there was one */
  deleteSession(idHash: string): Promise<SessionRecord | undefined>;
  deleteExpiredSessions(now: number, idleMs: number, absoluteMs: number): Promise<void>;
  appendAudit(e: AuditEntry): Promise<void>;
  /** oldest first; with `limit`, the newest `limit` entries */
  readAudit(q?: { conversationId?: string; limit?: number }): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
