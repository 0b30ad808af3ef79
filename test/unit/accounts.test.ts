import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConsoleAccounts, LIMITS } from '../../src/console/accounts';

const PW = 'correct horse battery staple';

describe('ConsoleAccounts', () => {
  let dir: string;
  let clock: number;
  let accounts: ConsoleAccounts;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-accounts-'));
    clock = 1_700_000_000_000;
    accounts = await ConsoleAccounts.open({ dir, now: () => clock });
    await accounts.add('alice', 'counsellor', PW);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when an account is added, then only an argon2id hash of the password is stored', async () => {
    const raw = fs.readFileSync(path.join(dir, 'accounts.json'), 'utf8');
    expect(raw).not.toContain(PW);
    expect(raw).toContain('$argon2id$');
  });

  it('when a password is too short, then the account is refused', async () => {
    await expect(accounts.add('bob', 'counsellor', 'short')).rejects.toThrow(/12 characters/);
  });

  it('when the password is right, then a session is made and only its hash is stored', async () => {
    const r = await accounts.login('alice', PW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sessionId).toHaveLength(43);
    expect(fs.readFileSync(path.join(dir, 'accounts.json'), 'utf8')).not.toContain(r.sessionId);
    expect(await accounts.session(r.sessionId)).toMatchObject({ name: 'alice', role: 'counsellor' });
  });

  it('when the password is wrong five times, then the account is locked for 15 minutes, even with the right one', async () => {
    for (let i = 0; i < LIMITS.maxFailures - 1; i++) expect(await accounts.login('alice', 'wrong')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await accounts.login('alice', 'wrong')).toMatchObject({ ok: false, reason: 'locked' });
    expect(await accounts.login('alice', PW)).toMatchObject({ ok: false, reason: 'locked' });
    clock += LIMITS.lockMs + 1;
    expect(await accounts.login('alice', PW)).toMatchObject({ ok: true });
  });

  it('when a session is idle for 30 minutes, then it has ended', async () => {
    const r = await accounts.login('alice', PW);
    if (!r.ok) throw new Error('login failed');
    clock += LIMITS.idleMs - 1000;
    expect(await accounts.session(r.sessionId)).toBeDefined();
    clock += LIMITS.idleMs - 1000;
    expect(await accounts.session(r.sessionId)).toBeDefined();
    clock += LIMITS.idleMs;
    expect(await accounts.session(r.sessionId)).toBeUndefined();
  });

  it('when a session is used for 12 hours, then it ends however active it is', async () => {
    const r = await accounts.login('alice', PW);
    if (!r.ok) throw new Error('login failed');
    const step = LIMITS.idleMs / 2;
    for (let elapsed = step; elapsed < LIMITS.absoluteMs; elapsed += step) {
      clock += step;
      expect(await accounts.session(r.sessionId)).toBeDefined();
    }
    clock += step;
    expect(await accounts.session(r.sessionId)).toBeUndefined();
  });

  it('when another process adds an account, then the running one sees it', async () => {
    const other = await ConsoleAccounts.open({ dir, now: () => clock });
    await other.add('bob', 'supervisor', PW);
    expect((await accounts.login('bob', PW)).ok).toBe(true);
    expect((await accounts.list()).map((a) => a.name).sort()).toEqual(['alice', 'bob']);
  });

  it('when things happen, then the audit log says who, what and when', async () => {
    await accounts.login('alice', 'wrong');
    await accounts.audit({ who: 'alice', action: 'claim', conversationId: 'c1' });
    const log = await accounts.readAudit();
    expect(log.map((e) => e.action)).toEqual(['account.add', 'login.failed', 'claim']);
    expect(log[2]).toEqual({ at: clock, who: 'alice', action: 'claim', conversationId: 'c1' });
  });

  it('when someone types a password into the name field, then the audit log holds a hash, never the text typed', async () => {
    await accounts.login('my secret password 123', 'whatever');
    await accounts.login('my secret password 123', 'whatever');
    const failed = (await accounts.readAudit()).filter((e) => e.action === 'login.failed');
    expect(failed).toHaveLength(2);
    expect(JSON.stringify(failed)).not.toContain('secret');
    expect(failed[0].who).toMatch(/^unknown name [0-9a-f]{12}$/);
    expect(failed[1].who).toBe(failed[0].who);
  });
});
