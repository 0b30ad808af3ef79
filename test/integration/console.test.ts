import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { ConsoleAccounts } from '../../src/console/accounts';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio';
import { inboundForm, postSigned, settle, startApp, withTwilio, type Running } from '../helpers/testApp';

const PW = 'a long enough password 1';
const REOPEN_SID = 'HX' + 'ab'.repeat(16);

interface Client { cookie: string; csrf: string }

async function loginAt(base: string, name: string, password = PW): Promise<Client> {
  const res = await fetch(`${base}/console/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name, password }) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { cookie, csrf: ((await res.json()) as { csrf: string }).csrf };
}

async function callAt(base: string, c: Client | undefined, method: string, url: string, body?: unknown, opts: { csrf?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (c) headers.cookie = c.cookie;
  if (c && opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = c.csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

/** the first address of this machine that is not loopback (requests from it must not reach the simulator) */
function externalAddress(): string | undefined {
  return Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

describe('counsellor console', () => {
  let dir: string;
  let app: App;
  let base: string;
  let clock: number;
  const now = () => clock;

  async function webhook(from: string, body: string): Promise<void> {
    const params = { MessageSid: 'SM' + randomBytes(16).toString('hex'), From: from, To: '+15005550006', Body: body, NumMedia: '0' };
    const signature = twilio.getExpectedTwilioSignature(app.authToken, app.publicUrl() + '/twilio/messages', params);
    const res = await fetch(`${base}/twilio/messages`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    await app.worker.idle();
    await app.sender.idle();
  }

  const login = (name: string, password = PW) => loginAt(base, name, password);
  const call = (c: Client | undefined, method: string, url: string, body?: unknown, opts: { csrf?: boolean } = {}) => callAt(base, c, method, url, body, opts);

  async function queuedConversation(from: string): Promise<string> {
    await webhook(from, 'I want to talk to a person');
    const sup = await login('sam');
    const q = await call(sup, 'GET', '/console/api/queue');
    const ids = (q.body.queue as Array<{ id: string }>).map((c) => c.id);
    const all = await Promise.all(ids.map((id) => app.store.read(id)));
    const doc = all.find((d) => d?.address === from);
    if (!doc) throw new Error(`no queued conversation for ${from}`);
    return doc.id;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-'));
    clock = Date.now();
    const accounts = await ConsoleAccounts.open({ dir: path.join(dir, 'console') });
    await accounts.add('anna', 'counsellor', PW);
    await accounts.add('ben', 'counsellor', PW);
    await accounts.add('sam', 'supervisor', PW);
    await accounts.add('lockme', 'counsellor', PW);
    app = await createApp(loadConfig({ ...process.env, DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', PUBLIC_URL: '', TWILIO_SMS_NUMBER: '+15005550006' }), { now });
    const { url } = await app.listen(0);
    base = url;
  });

  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the console page is asked for, then it is HTML with its strings and no inline script', async () => {
    const res = await fetch(`${base}/console?lang=fr`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Console des conseillers');
    expect(html).toMatch(/<script src="\/console\/static\/console.js">/);
    expect((await fetch(`${base}/console/static/console.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${base}/console/static/..%2Fconsole%2Faccounts.ts`)).status).toBe(404);
  });

  it('when a counsellor signs in, then the cookie is HttpOnly and SameSite=Strict, and the session works', async () => {
    const res = await fetch(`${base}/console/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'anna', password: PW }) });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^smb_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    const me = await call({ cookie: cookie.split(';')[0], csrf: '' }, 'GET', '/console/api/me');
    expect(me.body).toMatchObject({ name: 'anna', role: 'counsellor' });
  });

  it('when there is no session, then the API answers 401', async () => {
    expect((await call(undefined, 'GET', '/console/api/queue')).status).toBe(401);
  });

  it('when the password is wrong five times, then the account is locked (429) even for the right password', async () => {
    const attempt = (password: string) => fetch(`${base}/console/api/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'lockme', password }) });
    for (let i = 0; i < 4; i++) expect((await attempt('nope')).status).toBe(401);
    expect((await attempt('nope')).status).toBe(429);
    expect((await attempt(PW)).status).toBe(429);
  });

  it('when a state-changing request has no CSRF token, then it is refused with 403', async () => {
    const id = await queuedConversation('+15551230001');
    const anna = await login('anna');
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/claim`, {}, { csrf: false })).status).toBe(403);
    expect((await call({ ...anna, csrf: 'x'.repeat(43) }, 'POST', `/console/api/conversations/${id}/claim`, {})).status).toBe(403);
    expect((await app.store.read(id))?.handoff.status).toBe('queued');
  });

  it('when a session is idle for more than 30 minutes, then it has ended', async () => {
    const ben = await login('ben');
    clock += 29 * 60_000;
    expect((await call(ben, 'GET', '/console/api/queue')).status).toBe(200);
    clock += 31 * 60_000;
    expect((await call(ben, 'GET', '/console/api/queue')).status).toBe(401);
  });

  it('when two counsellors claim at once, then one gets 200 and the other 409 naming the winner', async () => {
    const id = await queuedConversation('+15551230002');
    const [anna, ben] = await Promise.all([login('anna'), login('ben')]);
    const results = await Promise.all([
      call(anna, 'POST', `/console/api/conversations/${id}/claim`, {}),
      call(ben, 'POST', `/console/api/conversations/${id}/claim`, {}),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results[0].status === 200 ? 'anna' : 'ben';
    expect(results.find((r) => r.status === 409)!.body).toMatchObject({ error: 'taken', owner: winner });
    expect((await app.store.read(id))?.handoff.counsellorId).toBe(winner);
  });

  it('when counsellor A owns a conversation, then B cannot read, reply in, note or close it, and a supervisor can', async () => {
    const from = '+15551230003';
    const id = await queuedConversation(from);
    const [anna, ben, sam] = await Promise.all([login('anna'), login('ben'), login('sam')]);
    expect((await call(ben, 'GET', `/console/api/conversations/${id}`)).status).toBe(200); // queued: anyone may look
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/claim`, {})).status).toBe(200);

    expect((await call(ben, 'GET', `/console/api/conversations/${id}`)).status).toBe(403);
    expect((await call(ben, 'POST', `/console/api/conversations/${id}/reply`, { text: 'hi' })).status).toBe(403);
    expect((await call(ben, 'POST', `/console/api/conversations/${id}/note`, { text: 'x' })).status).toBe(403);
    expect((await call(ben, 'POST', `/console/api/conversations/${id}/close`, {})).status).toBe(403);
    expect((await call(ben, 'POST', `/console/api/conversations/${id}/erase`, {})).status).toBe(403);
    const benQueue = await call(ben, 'GET', '/console/api/queue');
    expect((benQueue.body.active as Array<{ id: string }>).some((c) => c.id === id)).toBe(false);
    expect(benQueue.body.load).toBeUndefined();

    expect((await call(anna, 'POST', `/console/api/conversations/${id}/reply`, { text: 'Hello, I am Anna.' })).status).toBe(200);
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/note`, { text: 'seems safe' })).status).toBe(200);
    await app.sender.idle();
    expect(app.dryRun!.to(from).map((m) => m.body)).toContain('Hello, I am Anna.');
    expect(app.dryRun!.to(from).map((m) => m.body)).not.toContain('seems safe');

    const supView = await call(sam, 'GET', `/console/api/conversations/${id}`);
    expect(supView.status).toBe(200);
    const reply = (supView.body.transcript as Array<{ kind: string; text: string; author?: string; delivery?: string }>).find((e) => e.text === 'Hello, I am Anna.');
    expect(reply).toMatchObject({ kind: 'counsellor', author: 'anna' });
    expect(reply?.delivery).toBeDefined();
    expect(supView.body.transcript).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'note', text: 'seems safe' })]));
    const supQueue = await call(sam, 'GET', '/console/api/queue');
    expect(supQueue.body.load).toMatchObject({ anna: expect.any(Number) });

    expect((await call(sam, 'POST', `/console/api/conversations/${id}/close`, {})).status).toBe(200);
    expect((await app.store.read(id))?.handoff.status).toBe('closed');
  });

  it('when a counsellor transfers and the new owner releases, then ownership follows and the bot is back', async () => {
    const id = await queuedConversation('+15551230004');
    const [anna, ben] = await Promise.all([login('anna'), login('ben')]);
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/claim`, {})).status).toBe(200);
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/transfer`, { to: 'nobody' })).status).toBe(400);
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/transfer`, { to: 'ben' })).status).toBe(200);
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/reply`, { text: 'x' })).status).toBe(403);
    expect((await call(ben, 'POST', `/console/api/conversations/${id}/release`, {})).status).toBe(200);
    expect((await app.store.read(id))?.handoff.status).toBe('bot');
  });

  it('when the user sends STOP while a counsellor has the chat, then the console shows it stopped, live, and refuses a reply', async () => {
    const from = '+15551230005';
    const id = await queuedConversation(from);
    const anna = await login('anna');
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/claim`, {})).status).toBe(200);
    expect((await call(anna, 'GET', `/console/api/conversations/${id}`)).body.stopped).toBe(false);

    const ctrl = new AbortController();
    const res = await fetch(`${base}/console/api/events`, { headers: { cookie: anna.cookie }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    let seen = '';
    const heard = (async () => {
      while (!seen.includes(`"conversationId":"${id}"`)) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += Buffer.from(value).toString('utf8');
      }
    })();
    await webhook(from, 'STOP');
    await heard;
    ctrl.abort();
    expect(seen).toContain(`event: message\ndata: {"kind":"message","conversationId":"${id}"}`);

    const view = await call(anna, 'GET', `/console/api/conversations/${id}`);
    expect(view.body).toMatchObject({ stopped: true, status: 'with_counsellor', mine: true });
    const sentBefore = app.dryRun!.to(from).length;
    expect(await call(anna, 'POST', `/console/api/conversations/${id}/reply`, { text: 'hello?' })).toMatchObject({ status: 409, body: { error: 'stopped' } });
    await app.sender.idle();
    expect(app.dryRun!.to(from)).toHaveLength(sentBefore);
  });

  it('when counsellor B asks anything about A\'s conversation, then every endpoint refuses, and a supervisor may do each', async () => {
    const id = await queuedConversation('+15551230010');
    const [anna, ben, sam] = await Promise.all([login('anna'), login('ben'), login('sam')]);
    expect((await call(anna, 'POST', `/console/api/conversations/${id}/claim`, {})).status).toBe(200);
    const conv = `/console/api/conversations/${id}`;
    const refused: Array<[string, string, unknown?]> = [
      ['GET', conv], ['POST', `${conv}/reply`, { text: 'hi' }], ['POST', `${conv}/note`, { text: 'x' }], ['POST', `${conv}/transfer`, { to: 'ben' }],
      ['POST', `${conv}/release`, {}], ['POST', `${conv}/close`, {}], ['POST', `${conv}/erase`, {}], ['POST', `${conv}/reopen`, {}],
      ['POST', `${conv}/claim`, {}], ['GET', '/console/api/audit'],
    ];
    for (const [method, url, body] of refused) {
      const r = await call(ben, method, url, body);
      expect([url, r.status]).toEqual([url, url.endsWith('/claim') ? 409 : 403]);
    }
    expect((await app.store.read(id))?.handoff).toMatchObject({ status: 'with_counsellor', counsellorId: 'anna' });
    expect((await app.store.read(id))?.transcript.some((e) => e.kind === 'note' || e.kind === 'counsellor')).toBe(false);
    const benList = await call(ben, 'GET', '/console/api/queue');
    expect([...benList.body.queue, ...benList.body.active].some((c: { id: string }) => c.id === id)).toBe(false);
    expect(benList.body.load).toBeUndefined();
    const annaList = await call(anna, 'GET', '/console/api/queue');
    expect(annaList.body.active.map((c: { id: string }) => c.id)).toContain(id);

    // the supervisor sees it and the load, reads, notes, reassigns, and the new owner is the only one who may reply
    const supList = await call(sam, 'GET', '/console/api/queue');
    expect(supList.body.active.map((c: { id: string }) => c.id)).toContain(id);
    expect(supList.body.load.anna).toBeGreaterThanOrEqual(1);
    expect((await call(sam, 'GET', conv)).status).toBe(200);
    expect((await call(sam, 'POST', `${conv}/note`, { text: 'supervisor note' })).status).toBe(200);
    expect((await call(sam, 'POST', `${conv}/transfer`, { to: 'ben' })).status).toBe(200);
    expect((await app.store.read(id))?.handoff).toMatchObject({ status: 'with_counsellor', counsellorId: 'ben' });
    expect((await call(anna, 'POST', `${conv}/reply`, { text: 'still me' })).status).toBe(403);
    expect((await call(ben, 'POST', `${conv}/reply`, { text: 'Ben here.' })).status).toBe(200);
    expect((await call(sam, 'POST', `${conv}/release`, {})).status).toBe(200);
    expect((await app.store.read(id))?.handoff.status).toBe('bot');
  });

  it('when a supervisor assigns a waiting conversation, then that counsellor owns it and the user is told', async () => {
    const from = '+15551230011';
    const id = await queuedConversation(from);
    const sam = await login('sam');
    expect((await call(sam, 'POST', `/console/api/conversations/${id}/transfer`, { to: 'ben' })).status).toBe(200);
    expect((await app.store.read(id))?.handoff).toMatchObject({ status: 'with_counsellor', counsellorId: 'ben' });
    await app.sender.idle();
    const accepted = JSON.parse(fs.readFileSync(path.join(__dirname, '../../locales/en/ui.json'), 'utf8')).handoff.accepted as string;
    expect(app.dryRun!.to(from).map((m) => m.body)).toContain(accepted);
    const audit = await call(sam, 'GET', `/console/api/audit?conversation=${id}`);
    expect(audit.body.entries[0]).toMatchObject({ who: 'sam', action: 'transfer', conversationId: id, detail: { to: 'ben' } });
  });

  it('when a supervisor opens the audit log, then it lists who did what to which conversation and when, newest first', async () => {
    const sam = await login('sam');
    const all = await call(sam, 'GET', '/console/api/audit?limit=1000');
    expect(all.status).toBe(200);
    const entries = all.body.entries as Array<{ at: number; who: string; action: string; conversationId?: string }>;
    expect(entries[0]).toEqual({ at: clock, who: 'sam', action: 'login' });
    expect(entries).toEqual(expect.arrayContaining([expect.objectContaining({ who: 'anna', action: 'claim', conversationId: expect.any(String), at: expect.any(Number) })]));
    expect((await call(sam, 'GET', '/console/api/audit?limit=2')).body.entries).toHaveLength(2);
    expect((await call(sam, 'GET', '/console/api/audit?limit=0')).status).toBe(400);
  });

  it('when a supervisor erases a conversation, then it is gone and the erasure is audited', async () => {
    const id = await queuedConversation('+15551230006');
    const sam = await login('sam');
    expect((await call(sam, 'POST', `/console/api/conversations/${id}/erase`, {})).status).toBe(200);
    expect(await app.store.read(id)).toBeUndefined();
    const audit = await (await ConsoleAccounts.open({ dir: path.join(dir, 'console') })).readAudit();
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ who: 'sam', action: 'erase', conversationId: id })]));
  });

  it('when counsellors act, then each action is in the audit log with who, what, which conversation and when', async () => {
    const audit = await (await ConsoleAccounts.open({ dir: path.join(dir, 'console') })).readAudit();
    const actions = new Set(audit.map((e) => e.action));
    for (const a of ['login', 'login.failed', 'login.lockout', 'claim', 'claim.refused', 'reply', 'note', 'transfer', 'release', 'close', 'view', 'session.expired']) {
      expect(actions).toContain(a);
    }
    for (const e of audit.filter((x) => x.action === 'reply')) {
      expect(e).toEqual(expect.objectContaining({ who: expect.any(String), conversationId: expect.any(String), at: expect.any(Number) }));
    }
  });

  /** what a console's live-update stream receives while `act` runs, until `until` appears (or 3 s) */
  async function streamWhile(cookie: string, until: string, act: () => Promise<void>): Promise<{ seen: string; type: string | null }> {
    const ctrl = new AbortController();
    const res = await fetch(`${base}/console/api/events`, { headers: { cookie }, signal: ctrl.signal });
    const reader = res.body!.getReader();
    let seen = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += Buffer.from(value).toString('utf8');
        if (seen.includes(until)) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await act();
    await Promise.race([reading, new Promise((r) => setTimeout(r, 3000))]);
    ctrl.abort();
    return { seen, type: res.headers.get('content-type') };
  }

  it('when the user writes to a queued conversation, then the event stream says so with only ids and kinds', async () => {
    const from = '+15551230007';
    const id = await queuedConversation(from);
    const anna = await login('anna');
    const { seen, type } = await streamWhile(anna.cookie, 'event: message', () => webhook(from, 'are you there?'));
    expect(type).toMatch(/text\/event-stream/);
    expect(seen).toContain(`event: message\ndata: {"kind":"message","conversationId":"${id}"}`);
    expect(seen).not.toContain('are you there');
  });

  it("when a queued user erases their data with DELETE, then open console views get the same 'erased' event as a supervisor's erase", async () => {
    const from = '+15551230008';
    const id = await queuedConversation(from);
    const anna = await login('anna');
    const { seen } = await streamWhile(anna.cookie, 'event: erased', async () => {
      await webhook(from, 'DELETE');
      await webhook(from, 'YES');
    });
    expect(seen).toContain(`event: erased\ndata: {"kind":"erased","conversationId":"${id}"}`);
  });

  it('when someone writes in the simulator, then it goes through the signed webhook and the dry-run reply is shown', async () => {
    const page = await fetch(`${base}/simulator`);
    expect(page.status).toBe(200);
    const sent = await fetch(`${base}/simulator/api/send`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'sms', from: '+15551230099', body: 'hello' }),
    });
    expect(await sent.json()).toMatchObject({ status: 200, address: '+15551230099' });
    await app.worker.idle();
    await app.sender.idle();
    const replies = (await (await fetch(`${base}/simulator/api/messages?to=%2B15551230099`)).json()) as Array<{ body: string }>;
    expect(replies.length).toBeGreaterThan(0);
    const form = await fetch(`${base}/simulator/api/send`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'channel=sms&from=%2B1555&body=x' });
    expect(form.status).toBe(415);
  });

  it('when a request from this machine names another host (DNS rebinding), then the simulator and /dev/outbox refuse it', async () => {
    const { port } = new URL(base);
    const get = (p: string, host: string) => new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: Number(port), path: p, headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(await get('/simulator', `evil.example:${port}`)).toBe(403);
    expect(await get('/dev/outbox?to=%2B15551230099', 'evil.example')).toBe(403);
    expect(await get('/simulator', `localhost:${port}`)).toBe(200);
    expect(await get('/simulator', `127.0.0.1:${port}`)).toBe(200);
  });

  it('when the simulator is asked from another machine, then it refuses (loopback only)', async () => {
    const addr = externalAddress();
    expect(addr).toBeDefined();
    const port = new URL(base).port;
    const remote = `http://${addr}:${port}`;
    expect((await fetch(`${remote}/healthz`)).status).toBe(200);
    expect((await fetch(`${remote}/simulator`)).status).toBe(403);
    expect((await fetch(`${remote}/simulator/api/messages?to=%2B15551230099`)).status).toBe(403);
    const sent = await fetch(`${remote}/simulator/api/send`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'sms', from: '+15551230098', body: 'hello' }),
    });
    expect(sent.status).toBe(403);
    expect(app.dryRun!.to('+15551230098')).toHaveLength(0);
  });
});

describe('counsellor console on WhatsApp, with the real twilio SDK against a fake Twilio', () => {
  let fake: FakeTwilio;
  let running: Running;
  let clock: number;
  const USER = '+15557100001';
  const FR_USER = '+15557100002';

  async function userWrites(from: string, body: string): Promise<void> {
    expect((await postSigned(running, '/twilio/messages', inboundForm(from, body, 'whatsapp'))).status).toBe(200);
    await settle(running);
  }
  async function queued(from: string): Promise<string> {
    const before = new Set((await running.app.store.listSummaries({ statuses: ['queued'] })).map((c) => c.id));
    await userWrites(from, from === FR_USER ? 'Je veux parler à une personne' : 'I want to talk to a person');
    const added = (await running.app.store.listSummaries({ statuses: ['queued'] })).filter((c) => !before.has(c.id));
    expect(added).toHaveLength(1);
    return added[0].id;
  }

  beforeAll(async () => {
    clock = Date.now();
    fake = await startFakeTwilio();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-wa-'));
    const accounts = await ConsoleAccounts.open({ dir: path.join(dataDir, 'console') });
    await accounts.add('anna', 'counsellor', PW);
    running = await startApp({ ...withTwilio(fake.url), LOG_LEVEL: 'silent', WHATSAPP_CONTENT_SIDS: JSON.stringify({ en: { reopen: REOPEN_SID } }) }, { dataDir, now: () => clock });
  });
  afterAll(async () => {
    await running?.close();
    await fake?.close();
    fs.rmSync(running.dataDir, { recursive: true, force: true });
  });

  it('when 24 hours have passed since the user wrote, then free text is refused and the approved template goes out as a ContentSid', async () => {
    const id = await queued(USER);
    let anna = await loginAt(running.url, 'anna');
    const conv = `/console/api/conversations/${id}`;
    expect((await callAt(running.url, anna, 'POST', `${conv}/claim`, {})).status).toBe(200);
    expect((await callAt(running.url, anna, 'GET', conv)).body).toMatchObject({ windowClosed: false, reopenTemplate: true });
    expect(await callAt(running.url, anna, 'POST', `${conv}/reopen`, {})).toMatchObject({ status: 409, body: { error: 'window_open' } });
    expect((await callAt(running.url, anna, 'POST', `${conv}/reply`, { text: 'Hello from Anna' })).status).toBe(200);
    await settle(running);
    expect(fake.to(`whatsapp:${USER}`).at(-1)).toMatchObject({ Body: 'Hello from Anna', ContentSid: undefined });

    clock += 25 * 60 * 60_000;
    anna = await loginAt(running.url, 'anna'); // the old session ended long ago
    expect((await callAt(running.url, anna, 'GET', conv)).body).toMatchObject({ windowClosed: true, reopenTemplate: true, mine: true });
    const sent = fake.to(`whatsapp:${USER}`).length;
    expect(await callAt(running.url, anna, 'POST', `${conv}/reply`, { text: 'are you there?' })).toMatchObject({ status: 409, body: { error: 'window_closed' } });
    expect((await callAt(running.url, anna, 'POST', `${conv}/reopen`, {})).status).toBe(200);
    await settle(running);
    const out = fake.to(`whatsapp:${USER}`);
    expect(out).toHaveLength(sent + 1);
    expect(out.at(-1)).toMatchObject({ ContentSid: REOPEN_SID, Body: undefined });
    const view = await callAt(running.url, anna, 'GET', conv);
    expect(view.body.transcript.at(-1)).toMatchObject({ kind: 'counsellor', author: 'anna', delivery: expect.any(String) });

    // the user answers: the window is open again for free text
    await userWrites(USER, 'yes I am here');
    expect((await callAt(running.url, anna, 'GET', conv)).body).toMatchObject({ windowClosed: false });
    expect((await callAt(running.url, anna, 'POST', `${conv}/reply`, { text: 'Thank you for answering' })).status).toBe(200);
    await settle(running);
    expect(fake.to(`whatsapp:${USER}`).at(-1)).toMatchObject({ Body: 'Thank you for answering' });
  });

  it('when no template is configured for the user\'s language, then the view says so and nothing is sent', async () => {
    const id = await queued(FR_USER);
    const anna = await loginAt(running.url, 'anna');
    const conv = `/console/api/conversations/${id}`;
    expect((await callAt(running.url, anna, 'POST', `${conv}/claim`, {})).status).toBe(200);
    clock += 25 * 60 * 60_000;
    const again = await loginAt(running.url, 'anna');
    expect((await callAt(running.url, again, 'GET', conv)).body).toMatchObject({ language: 'fr', windowClosed: true, reopenTemplate: false });
    const sent = fake.to(`whatsapp:${FR_USER}`).length;
    expect(await callAt(running.url, again, 'POST', `${conv}/reopen`, {})).toMatchObject({ status: 409, body: { error: 'no_template', language: 'fr' } });
    await settle(running);
    expect(fake.to(`whatsapp:${FR_USER}`)).toHaveLength(sent);
  });
});

describe('counsellor console when the app stops, and in production', () => {
  it('when one session opens more live-update streams than a few tabs need, then the next answers 429 and the server goes on answering', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-streams-'));
    const accounts = await ConsoleAccounts.open({ dir: path.join(dataDir, 'console') });
    await accounts.add('anna', 'counsellor', PW);
    const running = await startApp({ LOG_LEVEL: 'silent' }, { dataDir });
    const ctrl = new AbortController();
    try {
      const anna = await loginAt(running.url, 'anna');
      const open = () => fetch(`${running.url}/console/api/events`, { headers: { cookie: anna.cookie }, signal: ctrl.signal });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await open()).status);
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      ctrl.abort();
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when the app closes, then every open event stream is ended cleanly', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-close-'));
    const accounts = await ConsoleAccounts.open({ dir: path.join(dataDir, 'console') });
    await accounts.add('anna', 'counsellor', PW);
    const running = await startApp({ LOG_LEVEL: 'silent' }, { dataDir });
    try {
      const anna = await loginAt(running.url, 'anna');
      const streams = await Promise.all([1, 2].map(() => fetch(`${running.url}/console/api/events`, { headers: { cookie: anna.cookie } })));
      const ends = streams.map(async (res) => {
        const reader = res.body!.getReader();
        for (;;) if ((await reader.read()).done) return 'ended';
      });
      await running.close();
      // a stream cut by force would reject ("terminated"); an ended one finishes its chunked body
      expect(await Promise.all(ends)).toEqual(['ended', 'ended']);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when NODE_ENV is production, then there is no simulator even if asked for', async () => {
    const fake = await startFakeTwilio();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-prod-'));
    const running = await startApp({
      ...withTwilio(fake.url), NODE_ENV: 'production', SIMULATOR_ENABLED: 'true', LOG_LEVEL: 'silent',
      PSEUDONYM_KEY: 'p'.repeat(40), DATA_ENCRYPTION_KEY: `k1:${'22'.repeat(32)}`,
    }, { dataDir });
    try {
      expect((await fetch(`${running.url}/simulator`)).status).toBe(404);
      expect((await fetch(`${running.url}/simulator/api/messages?to=x`)).status).toBe(404);
      expect((await fetch(`${running.url}/console`)).status).toBe(200);
    } finally {
      await running.close();
      await fake.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
