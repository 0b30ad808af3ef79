import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { inboundForm, postSigned, settle, startApp, type Running } from '../helpers/testApp';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';

/** One sender cannot flood or loop the bot, a malformed cookie is a 4xx, and a replay cannot undo an erasure. */
const root = path.join(__dirname, '..', '..');
const ui = (lng: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, 'ui.json'), 'utf8'));

describe('floods and loops', () => {
  let app: Running;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  test('when one number sends 60 messages at once, then every one is handled but the bot answers a few and one notice, and an emergency after it is answered', async () => {
    const from = '+15557000001';
    const before = app.turns().length;
    await Promise.all(Array.from({ length: 60 }, (_, i) => postSigned(app, '/twilio/messages', inboundForm(from, i % 2 ? 'menu' : `question number ${i} about visas for Italy`))));
    await settle(app);
    expect(app.turns().length - before).toBe(60);
    const bodies = app.app.dryRun!.to(from).map((m) => m.body ?? '');
    expect(bodies.length).toBeLessThanOrEqual(25);
    expect(bodies.filter((b) => b === ui('en').limits.tooMany)).toHaveLength(1);
    const n = bodies.length;
    await postSigned(app, '/twilio/messages', inboundForm(from, 'they locked us in the room and took our phones'));
    await settle(app);
    expect(app.turns().at(-1)).toMatchObject({ intent: 'emergency', escalated: true });
    expect(app.app.dryRun!.to(from).length).toBeGreaterThan(n);
  });

  test('when another automatic responder sends the same text again and again, then the bot stops answering it, but menu commands still work', async () => {
    const from = '+15557000002';
    const say = async (body: string) => {
      const n = app.app.dryRun!.to(from).length;
      await postSigned(app, '/twilio/messages', inboundForm(from, body));
      await settle(app);
      return app.app.dryRun!.to(from).length - n;
    };
    const auto = 'Thank you for your message. This number is not monitored.';
    expect(await say(auto)).toBeGreaterThan(0);
    expect(await say(auto)).toBeGreaterThan(0);
    expect(await say(auto)).toBe(0);
    expect(await say(auto)).toBe(0);
    expect(await say('0')).toBeGreaterThan(0);
    expect(await say('0')).toBeGreaterThan(0);
    expect(await say('0')).toBeGreaterThan(0);
  });

  test('when a client sends its headers a few bytes at a time and never finishes, then the server drops it in seconds, and webhooks go on being answered', async () => {
    const { port } = new URL(app.url);
    const sock = net.connect(Number(port), '127.0.0.1');
    const t0 = Date.now();
    const closed = new Promise<number>((resolve) => sock.on('close', () => resolve(Date.now() - t0)));
    sock.on('error', () => undefined);
    sock.write('POST /twilio/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => sock.write('X-Slow: 1\r\n'), 500);
    const ok = await postSigned(app, '/twilio/messages', inboundForm('+15557000003', 'hello'));
    expect(ok.status).toBe(200);
    const ms = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 20000))]);
    clearInterval(drip);
    sock.destroy();
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(15000);
  }, 30000);

  test('when a console request carries a malformed session cookie, then it is a 401 without an error logged', async () => {
    for (const cookie of ['smb_session=%', 'smb_session=%E0%A4%A', '__Host-smb_session=%; smb_session=%zz']) {
      const res = await fetch(`${app.url}/console/api/queue`, { headers: { cookie } });
      expect(res.status).toBe(401);
    }
    expect(app.logs.some((l) => /"level":50/.test(l) && /URIError|stack/.test(l))).toBe(false);
  });
});

describe.each(['embedded store', 'PostgreSQL'])('a webhook replayed after erasure (%s)', (store) => {
  let app: Running;
  let admin: pg.Pool | undefined;
  const dbName = `smb_abuse_${process.pid}`;
  beforeAll(async () => {
    let env: Record<string, string> = {};
    if (store === 'PostgreSQL') {
      admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.query(`CREATE DATABASE ${dbName}`);
      env = { DATABASE_URL: databaseUrl(dbName) };
    }
    app = await startApp(env);
  }, 60000);
  afterAll(async () => {
    await app.close();
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });

  test('when a user erased their data and an earlier webhook is replayed, then it brings nothing back and gets no reply', async () => {
    const from = '+15557000101';
    const first = inboundForm(from, 'how can I go back home');
    await postSigned(app, '/twilio/messages', first);
    await settle(app);
    await postSigned(app, '/twilio/messages', inboundForm(from, 'DELETE'));
    await settle(app);
    await postSigned(app, '/twilio/messages', inboundForm(from, 'YES'));
    await settle(app);
    const id = String(app.turns().at(-1)!.conversation);
    await new Promise((r) => setTimeout(r, 200)); // the erase runs after the turn commits
    expect(await app.app.store.read(id)).toBeUndefined();
    const sent = app.app.dryRun!.to(from).length;
    const turns = app.turns().length;
    expect((await postSigned(app, '/twilio/messages', first)).status).toBe(200);
    await settle(app);
    expect(app.turns().length).toBe(turns);
    expect(app.app.dryRun!.to(from).length).toBe(sent);
    expect(await app.app.store.read(id)).toBeUndefined();
    // a new message from the same person is a new conversation, as after any erasure
    await postSigned(app, '/twilio/messages', inboundForm(from, 'hello'));
    await settle(app);
    expect(app.app.dryRun!.to(from).length).toBeGreaterThan(sent);
  });
});
