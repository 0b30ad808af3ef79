import type pg from 'pg';
import type { Account, AccountsRepository, AuditEntry, LockoutPolicy, Role, SessionRecord } from './accountsRepository';

/** bigint columns arrive as strings */
const ms = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

interface UserRow { name: string; role: Role; password_hash: string; created_at: string; failures: number; locked_until: string | null }
interface SessionRow { id_hash: string; name: string; csrf: string; created_at: string; last_seen_at: string }
interface AuditRow { at: string; who: string; action: string; conversation_id: string | null; detail: AuditEntry['detail'] | null }

const toAccount = (r: UserRow): Account => ({
  name: r.name, role: r.role, passwordHash: r.password_hash, createdAt: Number(r.created_at), failures: r.failures, lockedUntil: ms(r.locked_until),
});
const toSession = (r: SessionRow): SessionRecord => ({
  idHash: r.id_hash, name: r.name, csrf: r.csrf, createdAt: Number(r.created_at), lastSeenAt: Number(r.last_seen_at),
});
const toAudit = (r: AuditRow): AuditEntry => ({
  at: Number(r.at), who: r.who, action: r.action, ...(r.conversation_id !== null ? { conversationId: r.conversation_id } : {}), ...(r.detail ? { detail: r.detail } : {}),
});

/**
 * Console accounts, sessions and audit log on PostgreSQL (tables of migration 002_console.sql), shared by every
 * instance. Each call is one statement, so concurrent logins on several instances count every failure.
 */
export class PgAccountsRepository implements AccountsRepository {
  constructor(private readonly pool: pg.Pool) {
    if (!pool) throw new Error('PgAccountsRepository: a pg pool is required');
  }

  async listAccounts() {
    const { rows } = await this.pool.query<{ name: string; role: Role }>('SELECT name, role FROM console_users ORDER BY created_at, name');
    return rows;
  }

  async getAccount(name: string) {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM console_users WHERE name = $1', [name]);
    return rows[0] && toAccount(rows[0]);
  }

  async insertAccount(a: Account) {
    const { rowCount } = await this.pool.query(
      `INSERT INTO console_users (name, role, password_hash, created_at, failures, locked_until) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO NOTHING`,
      [a.name, a.role, a.passwordHash, a.createdAt, a.failures, a.lockedUntil ?? null],
    );
    return rowCount === 1;
  }

  async setPasswordHash(name: string, passwordHash: string) {
    const { rowCount } = await this.pool.query(
      `WITH u AS (UPDATE console_users SET password_hash = $2, failures = 0, locked_until = NULL WHERE name = $1 RETURNING name),
            s AS (DELETE FROM console_sessions WHERE name IN (SELECT name FROM u))
       SELECT name FROM u`,
      [name, passwordHash],
    );
    return rowCount === 1;
  }

  async deleteAccount(name: string) {
    // sessions go with it (ON DELETE CASCADE)
    await this.pool.query('DELETE FROM console_users WHERE name = $1', [name]);
  }

  async recordFailure(name: string, now: number, policy: LockoutPolicy) {
    // one UPDATE: the row lock makes concurrent failures count one after the other
    const count = '(CASE WHEN locked_until IS NOT NULL AND locked_until <= $2 THEN 0 ELSE failures END) + 1';
    const { rows } = await this.pool.query<{ locked_until: string | null }>(
      `UPDATE console_users SET
         failures = CASE WHEN ${count} >= $3 THEN 0 ELSE ${count} END,
         locked_until = CASE WHEN ${count} >= $3 THEN $2::bigint + $4::bigint ELSE NULL END
       WHERE name = $1 RETURNING locked_until`,
      [name, now, policy.maxFailures, policy.lockMs],
    );
    return { lockedUntil: ms(rows[0]?.locked_until) };
  }

  async clearFailures(name: string) {
    await this.pool.query('UPDATE console_users SET failures = 0, locked_until = NULL WHERE name = $1 AND (failures <> 0 OR locked_until IS NOT NULL)', [name]);
  }

  async insertSession(s: SessionRecord) {
    await this.pool.query(
      'INSERT INTO console_sessions (id_hash, name, csrf, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)',
      [s.idHash, s.name, s.csrf, s.createdAt, s.lastSeenAt],
    );
  }

  async findSession(idHash: string) {
    const { rows } = await this.pool.query<SessionRow>('SELECT * FROM console_sessions WHERE id_hash = $1', [idHash]);
    return rows[0] && toSession(rows[0]);
  }

  async touchSession(idHash: string, lastSeenAt: number) {
    await this.pool.query('UPDATE console_sessions SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id_hash = $1', [idHash, lastSeenAt]);
  }

  async deleteSession(idHash: string) {
    const { rows } = await this.pool.query<SessionRow>('DELETE FROM console_sessions WHERE id_hash = $1 RETURNING *', [idHash]);
    return rows[0] && toSession(rows[0]);
  }

  async deleteExpiredSessions(now: number, idleMs: number, absoluteMs: number) {
    await this.pool.query('DELETE FROM console_sessions WHERE last_seen_at <= $1::bigint - $2::bigint OR created_at <= $1::bigint - $3::bigint', [now, idleMs, absoluteMs]);
  }

  async appendAudit(e: AuditEntry) {
    await this.pool.query(
      'INSERT INTO console_audit (at, who, action, conversation_id, detail) VALUES ($1, $2, $3, $4, $5)',
      [e.at, e.who, e.action, e.conversationId ?? null, e.detail ? JSON.stringify(e.detail) : null],
    );
  }

  async readAudit(q: { conversationId?: string; limit?: number } = {}) {
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT at, who, action, conversation_id, detail FROM (
         SELECT * FROM console_audit WHERE ($1::text IS NULL OR conversation_id = $1) ORDER BY id DESC LIMIT $2
       ) newest ORDER BY id`,
      [q.conversationId ?? null, q.limit ?? null],
    );
    return rows.map(toAudit);
  }

  async close() {
    // the pool belongs to the composition root
  }
}
