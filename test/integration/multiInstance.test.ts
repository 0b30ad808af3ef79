import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import twilio from 'twilio';
import { ConsoleAccounts } from '../../src/console/accounts';
import { PgAccountsRepository } from '../../src/console/pgAccountsRepository';
import { Pseudonymizer } from '../../src/privacy/pseudonym';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio';
import { inboundForm, postSigned, settle, startApp, TOKEN, withTwilio } from '../helpers/testApp';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';

/**
 * Three real processes (node dist/src/main.js) on one PostgreSQL database, behind a test "load balancer" that
 * spreads each user's messages round-robin and, like a proxy, retries a request on the next instance when one
 * is down. Every user's replies must equal, in order and count, what one process alone answers.
 */
const ROOT = path.resolve(__dirname, '..', '..');
// its own build under dist/ (ignored by jest and lint): other test files rebuild dist/src while their children run
const BUILD = path.join(ROOT, 'dist', `multi-${process.pid}-${randomBytes(3).toString('hex')}`);
// each message gets its own, different reply: a duplicate or a loss shows as a different sequence
const SCRIPT = [
  'what is human trafficking', 'how to report trafficking', '1', 'is it safe to cross the sea to italy', 'how to check if an agency is real',
  'how can i go to europe legally', 'how to prepare for the journey', 'i want to go back home', 'reintegration support', 'who are you',
];

interface Instance {
  child: ChildProcess;
  url: string;
  publicUrl: string;
  alive: boolean;
  output: string[];
}

describe('several instances on one PostgreSQL database', () => {
  const dbName = `smb_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
  let db: pg.Pool;
  let fake: FakeTwilio;
  let expected: string[];
  const instances: Instance[] = [];
  const env = {
    NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: databaseUrl(dbName),
    PSEUDONYM_KEY: randomBytes(32).toString('hex'), DATA_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('hex')}`,
  };

  async function startInstance(): Promise<Instance> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-multi-'));
    const child = spawn(process.execPath, [path.join(BUILD, 'src', 'main.js')], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, ...env, ...withTwilio(fake.url), DATA_DIR: dataDir, PORT: '0' },
    });
    const inst: Instance = { child, url: '', publicUrl: '', alive: true, output: [] };
    instances.push(inst);
    child.on('exit', () => (inst.alive = false));
    child.stderr!.on('data', (d) => inst.output.push(String(d)));
    const port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d) => {
        buf += String(d);
        inst.output.push(String(d));
        const m = buf.match(/"port":(\d+)[^\n]*"msg":"listening"/);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`instance exited with ${code}:\n${inst.output.join('')}`)));
    });
    inst.url = `http://127.0.0.1:${port}`;
    inst.publicUrl = `http://localhost:${port}`; // PUBLIC_URL unset: the instance signs for localhost:<port>
    return inst;
  }

  /** POSTs one inbound message to instance `first`, or the next live one if it cannot be reached. */
  async function deliver(form: Record<string, string>, first: number): Promise<void> {
    for (let k = 0; k < instances.length * 3; k++) {
      const inst = instances[(first + k) % instances.length];
      if (!inst.alive) continue;
      try {
        const res = await fetch(`${inst.url}/twilio/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, `${inst.publicUrl}/twilio/messages`, form) },
          body: new URLSearchParams(form).toString(),
        });
        if (res.status === 200) return;
      } catch {
        // connection refused or reset: the proxy tries the next instance with the same MessageSid
      }
    }
    throw new Error('no instance acknowledged the message');
  }

  async function settledEverywhere(): Promise<void> {
    for (let i = 0; i < 1500; i++) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE pending');
      if (rows[0].n === 0) return;
      await new Promise((r) => setTimeout(r, 30));
    }
    throw new Error('work still pending');
  }

  const bodies = (user: string) => fake.to(user).map((m) => m.Body ?? '');

  beforeAll(async () => {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'swc'), ['src', 'dialogs', '-d', BUILD, '--quiet'], { cwd: ROOT });
    await admin.query(`CREATE DATABASE ${dbName}`);
    db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 2 });
    fake = await startFakeTwilio();
    // three instances starting at once (the schema migration runs once, under its lock), while the reference is
    // taken: one embedded process answering the script one message at a time
    const starting = Promise.all([startInstance(), startInstance(), startInstance()]);
    starting.catch(() => undefined);
    const single = await startApp(withTwilio(fake.url));
    for (const text of SCRIPT) {
      await postSigned(single, '/twilio/messages', inboundForm('+15550000000', text));
      await settle(single);
    }
    await single.close();
    expected = bodies('+15550000000');
    await starting;
  }, 90_000); // a build and three cold starts of the server on a loaded two-core machine

  afterAll(async () => {
    for (const inst of instances) if (inst.alive) inst.child.kill('SIGKILL');
    fs.rmSync(BUILD, { recursive: true, force: true });
    await Promise.all(instances.map((i) => (i.child.exitCode !== null || i.child.signalCode !== null ? undefined : new Promise((r) => i.child.once('exit', r)))));
    await fake?.close();
    await db?.end();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }, 30_000);

  test('when the reference is taken, then every message of the script has its own reply', () => {
    expect(expected.length).toBeGreaterThanOrEqual(SCRIPT.length);
    expect(new Set(expected).size).toBe(expected.length);
  });

  test('when one conversation writes round-robin to three instances, then each message is answered once, in order', async () => {
    const user = '+15550001000';
    for (let i = 0; i < SCRIPT.length; i++) await deliver(inboundForm(user, SCRIPT[i]), i % 3);
    await settledEverywhere();
    expect(bodies(user)).toEqual(expected);
  }, 60_000);

  test('when a counsellor is connected to instance A, then a message that arrives at instance C shows live in A\'s event stream', async () => {
    const password = 'a long enough password 1';
    await new ConsoleAccounts(new PgAccountsRepository(db)).add('anna', 'counsellor', password);
    const user = '+15550001500';
    const id = new Pseudonymizer(env.PSEUDONYM_KEY).conversationId('sms', user);
    await deliver(inboundForm(user, 'I want to talk to a person'), 1);
    await settledEverywhere();

    const login = await fetch(`${instances[0].url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'anna', password }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const queue = await (await fetch(`${instances[0].url}/console/api/queue`, { headers: { cookie } })).json() as { queue: Array<{ id: string; status: string }> };
    expect(queue.queue).toContainEqual(expect.objectContaining({ id, status: 'queued' }));

    const ctrl = new AbortController();
    const stream = await fetch(`${instances[0].url}/console/api/events`, { headers: { cookie }, signal: ctrl.signal });
    expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = stream.body!.getReader();
    let seen = '';
    const wanted = `event: message\ndata: {"kind":"message","conversationId":"${id}"`;
    const heard = (async () => {
      while (!seen.includes(wanted)) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += Buffer.from(value).toString('utf8');
      }
    })();
    await new Promise((r) => setTimeout(r, 200)); // the stream is subscribed before the message arrives
    await deliver(inboundForm(user, 'are you still there?'), 2);
    await Promise.race([heard, new Promise((r) => setTimeout(r, 10_000))]);
    ctrl.abort();
    expect(seen).toContain(wanted);
    expect(seen).not.toContain('still there');
    expect(seen).not.toContain(user);
  }, 60_000);

  test('when an instance is killed with -9 in a burst of 10 users x 10 messages, then every acknowledged message is answered exactly once', async () => {
    const users = Array.from({ length: 10 }, (_, u) => `+1555000${String(2000 + u)}`);
    let acknowledged = 0;
    let killed = false;
    await Promise.all(users.map(async (user, u) => {
      for (let i = 0; i < SCRIPT.length; i++) {
        await deliver(inboundForm(user, SCRIPT[i]), (u + i) % 3);
        if (++acknowledged === 30 && !killed) {
          killed = true;
          instances[1].child.kill('SIGKILL');
        }
      }
    }));
    expect(killed).toBe(true);
    await new Promise<void>((r) => (instances[1].alive ? instances[1].child.once('exit', () => r()) : r()));
    // the survivors' sweep finishes the dead instance's turns and reconciles its sends in flight
    await settledEverywhere();
    for (const user of users) expect(bodies(user)).toEqual(expected);
  }, 60_000);
});
