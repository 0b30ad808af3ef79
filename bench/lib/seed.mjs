// Seeding: real conversation documents, written the way the server would read them.
// - template(): one real conversation, made by the real server (greeting, two topics, menus), read back with the
//   project's LowdbConversationStore; it becomes the shape of every seeded conversation.
// - seedLowdb(): N copies with their own pseudonym (Pseudonymizer), address, MessageSids and botbuilder state key,
//   sealed with the project's Cipher under the server's DATA_ENCRYPTION_KEY, written in parallel by worker
//   processes (plain writes, then one `sync -f` of the file system instead of an fsync per file), then checked by
//   opening the directory with LowdbConversationStore and reading a sample back.
import { fork, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, require, PSEUDONYM_KEY, DATA_ENCRYPTION_KEY, seededAddress, signedInbound, sleep, log } from './common.mjs';
import { TASKSET } from './procs.mjs';

const dist = (p) => require(path.join(ROOT, 'dist', p));

/** Runs one real conversation through the real server; returns its document as a template string. */
export async function makeTemplate({ startServer, fake }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-bench-template-'));
  const server = await startServer({ dataDir, logFile: path.join(dataDir, 'server.log') });
  const from = '+17770000001';
  try {
    let expected = await fake.count();
    for (const body of ['hello', '5', 'menu', '7', 'menu']) {
      const w = signedInbound(server.publicUrl, 900_000_000 + expected, { from, body });
      const r = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': w.signature }, body: w.body });
      if (r.status !== 200) throw new Error(`template conversation: webhook answered ${r.status}`);
      const t0 = Date.now();
      while ((await fake.count()) <= expected && Date.now() - t0 < 10_000) await sleep(20);
      await sleep(150);
      expected = await fake.count();
    }
  } finally {
    await server.stop();
  }
  const { LowdbConversationStore } = dist('src/storage/lowdbConversationStore.js');
  const { Cipher, parseKeyRing } = dist('src/privacy/cipher.js');
  const { Pseudonymizer } = dist('src/privacy/pseudonym.js');
  const id = new Pseudonymizer(PSEUDONYM_KEY).conversationId('sms', from);
  const store = await LowdbConversationStore.open({ dataDir: path.join(dataDir, 'store'), sealer: new Cipher(parseKeyRing(DATA_ENCRYPTION_KEY)) });
  const doc = await store.read(id);
  await store.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!doc || doc.inbox.length || doc.outbox.some((o) => o.state !== 'sent')) throw new Error('template conversation did not finish cleanly');
  let k = 0;
  const text = JSON.stringify(doc)
    .replaceAll(id, '__ID__')
    .replaceAll(from, '__ADDR__')
    .replace(/"(SM|MM)[0-9A-Za-z]{20,}"/g, () => `"SM__J__${String(k++).padStart(4, '0')}"`);
  // the inbound MessageSids of the conversation (PostgreSQL keeps a claim row for each)
  const sids = JSON.parse(text).seenSids;
  return { text, sids, turns: doc.seenSids.length, outbound: doc.outbox.length, bytes: text.length };
}

/** Writes `count` sealed conversations into `<dataDir>/store/conversations` with `workers` processes. */
export async function seedLowdb({ dataDir, count, template, workers = 2 }) {
  const t0 = Date.now();
  const conv = path.join(dataDir, 'store', 'conversations');
  fs.mkdirSync(conv, { recursive: true, mode: 0o700 });
  fs.mkdirSync(path.join(dataDir, 'store', 'pending'), { recursive: true, mode: 0o700 });
  await runWorkers({ workers, count, mode: 'lowdb', conv, template: template.text, sids: template.sids });
  const wroteMs = Date.now() - t0;
  try {
    execFileSync('sync', ['-f', conv]);
  } catch {
    execFileSync('sync');
  }
  // the server's own store must list and read them
  const { LowdbConversationStore } = dist('src/storage/lowdbConversationStore.js');
  const { Cipher, parseKeyRing } = dist('src/privacy/cipher.js');
  const { Pseudonymizer } = dist('src/privacy/pseudonym.js');
  const store = await LowdbConversationStore.open({ dataDir: path.join(dataDir, 'store'), sealer: new Cipher(parseKeyRing(DATA_ENCRYPTION_KEY)) });
  const ids = await store.listAllIds();
  const pseud = new Pseudonymizer(PSEUDONYM_KEY);
  for (const j of [0, Math.floor(count / 2), count - 1]) {
    const doc = await store.read(pseud.conversationId('sms', seededAddress(j)));
    if (!doc || doc.address !== seededAddress(j) || doc.inbox.length) throw new Error(`seeded conversation ${j} cannot be read back`);
  }
  await store.close();
  if (ids.length < count) throw new Error(`seeded ${count} conversations but the store lists ${ids.length}`);
  const bytes = Number(execFileSync('du', ['-sb', conv], { encoding: 'utf8' }).split(/\s/)[0]);
  log(`seeded ${count} lowdb conversations in ${((Date.now() - t0) / 1000).toFixed(1)} s (${(bytes / 2 ** 20).toFixed(0)} MB)`);
  return { count, seconds: (Date.now() - t0) / 1000, writeSeconds: wroteMs / 1000, megabytes: Math.round(bytes / 2 ** 20) };
}

/** Conversation j of the seed: its pseudonym, its sealed document and the MessageSids it has seen. */
function makeSealer({ template, sids }) {
  const { Cipher, parseKeyRing } = dist('src/privacy/cipher.js');
  const { Pseudonymizer } = dist('src/privacy/pseudonym.js');
  const cipher = new Cipher(parseKeyRing(DATA_ENCRYPTION_KEY));
  const pseud = new Pseudonymizer(PSEUDONYM_KEY);
  return (j) => {
    const address = seededAddress(j);
    const id = pseud.conversationId('sms', address);
    const jhex = j.toString(16).padStart(28, '0');
    const json = template.replaceAll('__ID__', id).replaceAll('__ADDR__', address).replaceAll('__J__', jhex);
    return { id, sealed: cipher.encrypt(json), sids: sids.map((k) => k.replace('__J__', jhex)) };
  };
}

async function worker({ mode, conv, databaseUrl, from, to, template, sids }) {
  const seal = makeSealer({ template, sids });
  let next = from;
  if (mode === 'lowdb') {
    const one = async () => {
      while (next < to) {
        const c = seal(next++);
        await fs.promises.writeFile(path.join(conv, `${c.id}.json`), c.sealed, { mode: 0o600 });
      }
    };
    await Promise.all(Array.from({ length: 16 }, one));
    return;
  }
  const pg = require('pg');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const BATCH = 500;
    const one = async () => {
      while (next < to) {
        const a = next;
        const b = Math.min(to, a + BATCH);
        next = b;
        const ids = [];
        const docs = [];
        const claimSids = [];
        const owners = [];
        for (let j = a; j < b; j++) {
          const c = seal(j);
          ids.push(c.id);
          docs.push(c.sealed);
          for (const sid of c.sids) {
            claimSids.push(sid);
            owners.push(c.id);
          }
        }
        await pool.query("INSERT INTO conversations (id, doc, status) SELECT i, d, 'bot' FROM unnest($1::text[], $2::text[]) AS t(i, d)", [ids, docs]);
        await pool.query('INSERT INTO inbound_claims (sid, conversation_id) SELECT * FROM unnest($1::text[], $2::text[])', [claimSids, owners]);
      }
    };
    await Promise.all([one(), one()]);
  } finally {
    await pool.end();
  }
}

/** Runs `worker` over [0, count) in `workers` processes (they may use both cores; the server is not running yet). */
export async function runWorkers({ workers = 2, count, ...job }) {
  const per = Math.ceil(count / workers);
  await Promise.all(Array.from({ length: workers }, (_, w) => new Promise((resolve, reject) => {
    const from = w * per;
    const to = Math.min(count, from + per);
    if (from >= to) return resolve();
    const child = fork(fileURLToPath(import.meta.url), ['worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    if (TASKSET) {
      try {
        execFileSync('taskset', ['-a', '-p', '-c', '0-1', String(child.pid)], { stdio: 'ignore' });
      } catch {
        /* keep the inherited core */
      }
    }
    child.on('message', (m) => (m.done ? resolve(child.disconnect()) : reject(new Error(m.error))));
    child.on('exit', (c) => c && reject(new Error(`seed worker exited ${c}`)));
    child.send({ ...job, from, to });
  })));
}

if (process.argv[2] === 'worker') {
  process.once('message', (m) => worker(m).then(() => process.send({ done: true }), (err) => process.send({ error: String(err?.stack ?? err) })));
}
