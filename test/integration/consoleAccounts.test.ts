import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { ConsoleAccounts, LIMITS } from '../../src/console/accounts';
import type { AccountsRepository } from '../../src/console/accountsRepository';
import { LowdbAccountsRepository } from '../../src/console/lowdbAccountsRepository';
import { PgAccountsRepository } from '../../src/console/pgAccountsRepository';
import { openPostgres, type Postgres } from '../../src/storage/pg/postgres';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';

/** The console's accounts behave the same on both backends: files under DATA_DIR and PostgreSQL. */
const PW = 'correct horse battery staple';

interface Backend {
  /** several server instances may share it (PostgreSQL); files belong to one server process */
  shared: boolean;
  /** a second handle on the same data, as another instance (or `npm run console:user`) would have */
  open(): Promise<AccountsRepository>;
  /** everything kept at rest, as text */
  raw(): Promise<string>;
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

function lowdbBackend(): Backend {
  let dir = '';
  const fresh = () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-accounts-'));
  };
  fresh();
  return {
    shared: false,
    open: () => LowdbAccountsRepository.open(dir),
    raw: async () => fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n'),
    reset: async () => fresh(),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresBackend(): Backend {
  const name = `smb_console_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
  let db: Postgres | undefined;
  return {
    shared: true,
    async open() {
      if (!db) {
        await admin.query(`CREATE DATABASE ${name}`);
        db = await openPostgres(databaseUrl(name), pino({ level: 'silent' }));
      }
      return new PgAccountsRepository(db.pool);
    },
    async raw() {
      const out: string[] = [];
      for (const t of ['console_users', 'console_sessions', 'console_audit']) out.push(...(await db!.pool.query(`SELECT r::text AS t FROM ${t} r`)).rows.map((r) => r.t as string));
      return out.join('\n');
    },
    async reset() {
      await db?.pool.query('TRUNCATE console_audit, console_sessions, console_users');
    },
    async dispose() {
      await db?.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe.each([
  ['files (lowdb)', lowdbBackend],
  ['PostgreSQL', postgresBackend],
])('console accounts on %s', (_name, make) => {
  let backend: Backend;
  let clock: number;
  let accounts: ConsoleAccounts;
  const now = () => clock;

  beforeAll(async () => {
    backend = make();
    await backend.open();
  });
  afterAll(async () => {
    await backend?.dispose();
  });
  beforeEach(async () => {
    await backend.reset();
    clock = 1_700_000_000_000;
    accounts = new ConsoleAccounts(await backend.open(), now);
    await accounts.add('alice', 'counsellor', PW);
  });

  async function sessionOf(name: string, password = PW): Promise<string> {
    const r = await accounts.login(name, password);
    if (!r.ok) throw new Error(`login of ${name} failed: ${r.reason}`);
    return r.sessionId;
  }

  it('when an account is added, then only an argon2id hash of the password is kept', async () => {
    const raw = await backend.raw();
    expect(raw).not.toContain(PW);
    expect(raw).toContain('$argon2id$');
    expect(await accounts.list()).toEqual([{ name: 'alice', role: 'counsellor' }]);
    expect(await accounts.get('alice')).toEqual({ name: 'alice', role: 'counsellor' });
  });

  it('when a password is too short, a name is bad or taken, then the account is refused', async () => {
    await expect(accounts.add('bob', 'counsellor', 'short')).rejects.toThrow(/12 characters/);
    await expect(accounts.add('Bob!', 'counsellor', PW)).rejects.toThrow(/name/);
    await expect(accounts.add('alice', 'supervisor', PW)).rejects.toThrow(/exists/);
    expect(await accounts.get('alice')).toEqual({ name: 'alice', role: 'counsellor' });
  });

  it('when the password is right, then a session is made and only its hash is kept', async () => {
    const r = await accounts.login('alice', PW);
    if (!r.ok) throw new Error('login failed');
    expect(r.sessionId).toHaveLength(43);
    expect(await backend.raw()).not.toContain(r.sessionId);
    expect(await accounts.session(r.sessionId)).toEqual({ name: 'alice', role: 'counsellor', csrf: r.session.csrf });
    expect(await accounts.session('not-a-session')).toBeUndefined();
  });

  it('when the password is wrong five times, then the account is locked for 15 minutes, even with the right one', async () => {
    for (let i = 0; i < LIMITS.maxFailures - 1; i++) expect(await accounts.login('alice', 'wrong')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await accounts.login('alice', 'wrong')).toEqual({ ok: false, reason: 'locked', lockedUntil: clock + LIMITS.lockMs });
    expect(await accounts.login('alice', PW)).toMatchObject({ ok: false, reason: 'locked' });
    clock += LIMITS.lockMs + 1;
    expect(await accounts.login('alice', PW)).toMatchObject({ ok: true });
  });

  it('when wrong passwords arrive at once (on every instance sharing the store), then every failure counts', async () => {
    const instances = backend.shared ? [accounts, new ConsoleAccounts(await backend.open(), now)] : [accounts];
    await Promise.all(Array.from({ length: LIMITS.maxFailures }, (_, i) => instances[i % instances.length].login('alice', 'wrong')));
    expect(await accounts.login('alice', PW)).toMatchObject({ ok: false, reason: 'locked' });
  });

  it('when a good login follows failures, then the count starts again', async () => {
    for (let i = 0; i < LIMITS.maxFailures - 1; i++) await accounts.login('alice', 'wrong');
    await sessionOf('alice');
    for (let i = 0; i < LIMITS.maxFailures - 1; i++) expect(await accounts.login('alice', 'wrong')).toMatchObject({ reason: 'invalid' });
  });

  it('when a session is idle for 30 minutes, then it has ended, and using it keeps it alive', async () => {
    const id = await sessionOf('alice');
    clock += LIMITS.idleMs - 1000;
    expect(await accounts.session(id)).toBeDefined();
    clock += LIMITS.idleMs - 1000;
    expect(await accounts.session(id)).toBeDefined();
    clock += LIMITS.idleMs;
    expect(await accounts.session(id)).toBeUndefined();
    clock -= LIMITS.idleMs;
    expect(await accounts.session(id)).toBeUndefined();
  });

  it('when a session is used on one instance, then another instance sees it alive too', async () => {
    const id = await sessionOf('alice');
    const other = new ConsoleAccounts(await backend.open(), now);
    clock += LIMITS.idleMs - 1000;
    expect(await accounts.session(id)).toBeDefined();
    clock += LIMITS.idleMs - 1000;
    expect(await other.session(id)).toBeDefined();
  });

  it('when a session is used for 12 hours, then it ends however active it is', async () => {
    const id = await sessionOf('alice');
    const step = LIMITS.idleMs / 2;
    for (let elapsed = step; elapsed < LIMITS.absoluteMs; elapsed += step) {
      clock += step;
      expect(await accounts.session(id)).toBeDefined();
    }
    clock += step;
    expect(await accounts.session(id)).toBeUndefined();
  });

  it('when someone signs out, the password changes or the account is removed, then the sessions end', async () => {
    const a = await sessionOf('alice');
    await accounts.logout(a);
    expect(await accounts.session(a)).toBeUndefined();

    const b = await sessionOf('alice');
    await accounts.setPassword('alice', 'another long password');
    expect(await accounts.session(b)).toBeUndefined();
    expect((await accounts.login('alice', PW)).ok).toBe(false);
    const c = await sessionOf('alice', 'another long password');

    await accounts.remove('alice');
    expect(await accounts.session(c)).toBeUndefined();
    expect(await accounts.list()).toEqual([]);
    await expect(accounts.setPassword('alice', 'yet another password')).rejects.toThrow(/no account/);
  });

  it('when another instance adds an account, then the running one sees it', async () => {
    const other = new ConsoleAccounts(await backend.open(), now);
    await other.add('bob', 'supervisor', PW);
    expect((await accounts.login('bob', PW)).ok).toBe(true);
    expect((await accounts.list()).map((a) => a.name).sort()).toEqual(['alice', 'bob']);
  });

  it('when things happen, then the audit log says who, what, which conversation and when, newest last', async () => {
    await accounts.login('alice', 'wrong');
    clock += 1000;
    await accounts.audit({ who: 'alice', action: 'claim', conversationId: 'c1' });
    await accounts.audit({ who: 'alice', action: 'reply', conversationId: 'c2', detail: { length: 5 } });
    await accounts.audit({ who: 'alice', action: 'note', conversationId: 'c1' });
    expect((await accounts.readAudit()).map((e) => e.action)).toEqual(['account.add', 'login.failed', 'claim', 'reply', 'note']);
    expect(await accounts.readAudit({ conversationId: 'c1' })).toEqual([
      { at: clock, who: 'alice', action: 'claim', conversationId: 'c1' },
      { at: clock, who: 'alice', action: 'note', conversationId: 'c1' },
    ]);
    expect(await accounts.readAudit({ limit: 2 })).toEqual([
      { at: clock, who: 'alice', action: 'reply', conversationId: 'c2', detail: { length: 5 } },
      { at: clock, who: 'alice', action: 'note', conversationId: 'c1' },
    ]);
  });
});
