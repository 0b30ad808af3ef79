import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import type { ConversationStore } from '../../src/domain/conversationStore';
import type { InboundItem } from '../../src/domain/conversation';
import { ConversationNotFoundError } from '../../src/domain/errors';
import { LowdbConversationStore } from '../../src/storage/lowdbConversationStore';
import { DocumentStorage } from '../../src/storage/documentStorage';
import { ifFirst, LOCKS, openPostgres, type Postgres } from '../../src/storage/pg/postgres';
import { PgConversationStore } from '../../src/storage/pg/pgConversationStore';
import { PgEvents, bridgeBus } from '../../src/storage/pg/pgEvents';
import { ConsoleEvents, type ConsoleEvent } from '../../src/console/consoleEvents';
import { OutboundSender } from '../../src/conversation/outboundSender';
import { TwilioMessagesApi, createTwilioClient } from '../../src/channels/twilio/twilioMessagesApi';
import { TwilioChannelSender } from '../../src/channels/twilio/twilioChannelSender';
import { startFakeTwilio } from '../helpers/fakeTwilio';
import { SID, TOKEN, SMS_NUMBER } from '../helpers/testApp';
import { Cipher, parseKeyRing } from '../../src/privacy/cipher';
import { ADMIN_URL, databaseUrl } from '../helpers/postgres';

/** One contract for the storage port, run against every adapter we ship. */
const sealer = new Cipher(parseKeyRing(`k1:${'11'.repeat(32)}`));
const logger = pino({ level: 'silent' });
const ADDRESS = '+15557770123';
const SECRET = 'my very secret text';

interface Backend {
  open(): Promise<ConversationStore>;
  /** everything the backend keeps at rest, as text */
  raw(): Promise<string>;
  dispose(): Promise<void>;
}

function lowdbBackend(): Backend {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-contract-'));
  const stores: ConversationStore[] = [];
  const readAll = (d: string): string => fs.readdirSync(d, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? readAll(path.join(d, e.name)) : fs.readFileSync(path.join(d, e.name), 'utf8'))).join('\n');
  return {
    async open() {
      const s = await LowdbConversationStore.open({ dataDir: dir, sealer });
      stores.push(s);
      return s;
    },
    raw: async () => readAll(dir),
    async dispose() {
      for (const s of stores) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(): Backend {
  const name = `smb_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
  let db: Postgres | undefined;
  return {
    async open() {
      if (!db) {
        await admin.query(`CREATE DATABASE ${name}`);
        db = await openPostgres(databaseUrl(name), logger);
      }
      return PgConversationStore.open({ pool: db.pool, sealer });
    },
    async raw() {
      const conv = await db!.pool.query('SELECT c::text AS t FROM conversations c');
      const claims = await db!.pool.query('SELECT c::text AS t FROM inbound_claims c');
      return [...conv.rows, ...claims.rows].map((r) => r.t).join('\n');
    },
    async dispose() {
      await db?.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

let n = 0;
const newId = () => `sms-${randomBytes(20).toString('hex')}`;
const item = (sid: string, body = SECRET): InboundItem => ({ sid, body, numMedia: 0, receivedAt: ++n, payload: { Body: body } });
const init = { channel: 'sms' as const, address: ADDRESS };

describe.each([
  ['lowdb', lowdbBackend],
  ['PostgreSQL', postgresBackend],
])('ConversationStore contract on %s', (_name, make) => {
  let backend: Backend;
  let store: ConversationStore;

  beforeAll(async () => {
    backend = make();
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend?.dispose();
  });

  test('when one MessageSid is delivered five times, three at once, then exactly one is accepted and queued', async () => {
    const id = newId();
    const concurrent = await Promise.all([1, 2, 3].map(() => store.claimInbound(id, init, item('SM-dup'))));
    const later = [await store.claimInbound(id, init, item('SM-dup')), await store.claimInbound(id, init, item('SM-dup'))];
    expect([...concurrent, ...later].filter((r) => r === 'accepted')).toHaveLength(1);
    const doc = (await store.read(id))!;
    expect(doc.inbox.map((i) => i.sid)).toEqual(['SM-dup']);
    expect(doc.seenSids).toEqual(['SM-dup']);
    expect(doc.address).toBe(ADDRESS);
  });

  test('when several new sids of a new conversation are claimed at once, then all are accepted in one conversation', async () => {
    const id = newId();
    const results = await Promise.all(['SM-a', 'SM-b', 'SM-c', 'SM-d'].map((sid) => store.claimInbound(id, init, item(sid))));
    expect(results).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect((await store.read(id))!.inbox.map((i) => i.sid).sort()).toEqual(['SM-a', 'SM-b', 'SM-c', 'SM-d']);
  });

  test('when 20 updates of one conversation run at once, then they serialize and none is lost', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-seq'));
    await Promise.all(Array.from({ length: 20 }, () => store.update(id, async (doc) => {
      const seen = doc.seq;
      await new Promise((r) => setTimeout(r, 1)); // a turn awaits while holding the conversation
      doc.seq = seen + 1;
    })));
    expect((await store.read(id))!.seq).toBe(20);
  });

  test('when an update changes nothing, then it returns its result and a later change still commits', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-same'));
    const before = await store.read(id);
    expect(await store.update(id, (doc) => doc.inbox.length)).toBe(1);
    expect(await store.read(id)).toEqual(before);
    await store.update(id, (doc) => {
      doc.locale = 'fr';
    });
    expect((await store.read(id))!.locale).toBe('fr');
  });

  test('when an update callback throws, then nothing it changed is stored', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-throw'));
    await expect(store.update(id, (doc) => {
      doc.locale = 'ar';
      throw new Error('turn failed');
    })).rejects.toThrow('turn failed');
    expect((await store.read(id))!.locale).toBeUndefined();
  });

  test('when a conversation does not exist, then update rejects with the typed not-found error and read is undefined', async () => {
    const id = newId();
    await expect(store.update(id, () => undefined)).rejects.toThrow(ConversationNotFoundError);
    expect(await store.read(id)).toBeUndefined();
  });

  test('when inbound or outbound work is unfinished, then the conversation is pending until it is done', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-pend'));
    expect(await store.listPending()).toContain(id);
    await store.update(id, (doc) => {
      doc.inbox.shift();
      doc.outbox.push({ id: 'o1', origin: 'bot', body: 'reply', state: 'pending', token: 't', createdAt: 1, attempts: 0 });
    });
    expect(await store.listPending()).toContain(id);
    await store.update(id, (doc) => {
      doc.outbox[0].state = 'sent';
    });
    expect(await store.listPending()).not.toContain(id);
    expect(await store.listAllIds()).toContain(id);
  });

  test('when a conversation leaves the bot, then it is summarized for the console, filtered by status, and stays listed', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-sum'));
    expect((await store.listSummaries()).map((s) => s.id)).not.toContain(id);
    await store.update(id, (doc) => {
      doc.handoff = { status: 'queued', priority: 'urgent', reason: 'danger', queuedAt: 5 };
    });
    const queued = (await store.listSummaries({ statuses: ['queued'] })).find((s) => s.id === id);
    expect(queued).toMatchObject({ id, channel: 'sms', status: 'queued', priority: 'urgent', stopped: false });
    expect(JSON.stringify(queued)).not.toContain(ADDRESS);
    expect((await store.listSummaries({ statuses: ['with_counsellor'] })).map((s) => s.id)).not.toContain(id);
    await store.update(id, (doc) => {
      doc.handoff = { status: 'bot' };
    });
    expect((await store.listSummaries()).find((s) => s.id === id)?.status).toBe('bot');
  });

  test('when a user stops, then the conversation is summarized as stopped', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-stop'));
    await store.update(id, (doc) => {
      doc.stopped = true;
    });
    expect((await store.listSummaries()).find((s) => s.id === id)?.stopped).toBe(true);
  });

  test('when a conversation is removed, then it is gone from every listing', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-rm'));
    await store.update(id, (doc) => {
      doc.handoff = { status: 'queued', queuedAt: 1 };
    });
    await store.claimInbound(id, init, item('SM-rm-last'));
    const removed = await store.remove(id);
    expect(removed?.twilioSids).toEqual(['SM-rm', 'SM-rm-last']); // as removed: the last message claimed included
    expect(removed?.handoff.status).toBe('queued');
    expect(await store.remove(id)).toBeUndefined();
    expect(await store.read(id)).toBeUndefined();
    expect(await store.listPending()).not.toContain(id);
    expect(await store.listAllIds()).not.toContain(id);
    expect((await store.listSummaries()).map((s) => s.id)).not.toContain(id);
    await expect(store.update(id, () => undefined)).rejects.toThrow(ConversationNotFoundError);
  });

  test('when a document is resealed, then it reads the same and keeps its updatedAt', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-reseal'));
    const before = await store.read(id);
    expect(await store.reseal(id)).toBe(true);
    expect(await store.read(id)).toEqual(before);
    expect(await store.reseal(newId())).toBe(false);
  });

  test('then no address or message text is readable at rest, and a second store opened on it reads the same', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-rest'));
    await store.update(id, (doc) => {
      doc.transcript.push({ at: 1, kind: 'user', text: SECRET });
      doc.handoff = { status: 'queued', queuedAt: 1 };
    });
    const raw = await backend.raw();
    expect(raw.length).toBeGreaterThan(100);
    expect(raw).not.toContain('5557770123');
    expect(raw).not.toContain('secret');
    const other = await backend.open();
    expect((await other.read(id))!.inbox[0].body).toBe(SECRET);
  });

  test('when a queued conversation is summarized for the queue, then what it is about (reason, topics, country) is sealed at rest and read back whole', async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-summary-seal'));
    await store.update(id, (doc) => {
      doc.handoff = { status: 'queued', priority: 'urgent', reason: 'emergency-reason-x', queuedAt: 7 };
      doc.topicsRead.push('trafficking.help');
      doc.country = 'LY';
    });
    const raw = await backend.raw();
    expect(raw).not.toContain('emergency-reason-x');
    expect(raw).not.toContain('trafficking.help');
    expect(raw).not.toMatch(/"country":\s*"LY"/);
    const s = (await store.listSummaries({ statuses: ['queued'] })).find((x) => x.id === id);
    expect(s).toMatchObject({ status: 'queued', priority: 'urgent', reason: 'emergency-reason-x', topicsRead: ['trafficking.help'], country: 'LY' });
  });

  test("when botbuilder state in a stored document is written with a stale eTag, then it is rejected; '*' wins", async () => {
    const id = newId();
    await store.claimInbound(id, init, item('SM-etag'));
    await store.update(id, (doc) => new DocumentStorage(doc.state).write({ 'user/state': { n: 1 } }));
    const first = await store.update(id, (doc) => new DocumentStorage(doc.state).read(['user/state']));
    expect(typeof first['user/state'].eTag).toBe('string');
    await store.update(id, (doc) => new DocumentStorage(doc.state).write({ 'user/state': { ...first['user/state'], n: 2 } }));
    await expect(store.update(id, (doc) => new DocumentStorage(doc.state).write({ 'user/state': { ...first['user/state'], n: 3 } }))).rejects.toThrow(/eTag/);
    expect((await store.read(id))!.state['user/state'].n).toBe(2);
    await store.update(id, (doc) => new DocumentStorage(doc.state).write({ 'user/state': { n: 4, eTag: '*' } }));
    expect((await store.read(id))!.state['user/state'].n).toBe(4);
  });
});

describe('PostgreSQL store shared by several instances', () => {
  const name = `smb_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
  const url = databaseUrl(name);
  const dbs: Postgres[] = [];
  let a: ConversationStore;
  let b: ConversationStore;

  beforeAll(async () => {
    await admin.query(`CREATE DATABASE ${name}`);
    // three instances starting at once on a new database
    dbs.push(...(await Promise.all([1, 2, 3].map(() => openPostgres(url, logger)))));
    a = await PgConversationStore.open({ pool: dbs[0].pool, sealer });
    b = await PgConversationStore.open({ pool: dbs[1].pool, sealer });
  });
  afterAll(async () => {
    for (const d of dbs) await d.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  test('when three instances start at once on a new database, then each starts and every migration runs once', async () => {
    const { rows } = await dbs[0].pool.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
    expect(rows.map((r) => r.name)).toContain('001_conversations');
    expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
  });

  test('when two instances claim one MessageSid at once, then the database accepts exactly one', async () => {
    const id = newId();
    const results = await Promise.all([a, b, a, b, a, b].map((s) => s.claimInbound(id, init, item('SM-race'))));
    expect(results.filter((r) => r === 'accepted')).toHaveLength(1);
    expect((await b.read(id))!.inbox.map((i) => i.sid)).toEqual(['SM-race']);
  });

  test('when two instances update one conversation at once, then their updates serialize on the row lock', async () => {
    const id = newId();
    await a.claimInbound(id, init, item('SM-both'));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update(id, async (doc) => {
      const seen = doc.seq;
      await new Promise((r) => setTimeout(r, 1));
      doc.seq = seen + 1;
    })));
    expect((await a.read(id))!.seq).toBe(20);
  });

  test('when a turn on one instance holds a conversation, then a claim for it on another instance waits and is kept', async () => {
    const id = newId();
    await a.claimInbound(id, init, item('SM-first'));
    let release!: () => void;
    let entered!: () => void;
    const inTurn = new Promise<void>((r) => (entered = r));
    const turn = a.update(id, async (doc) => {
      entered();
      await new Promise<void>((r) => (release = r));
      doc.inbox.shift();
    });
    await inTurn;
    const claim = b.claimInbound(id, init, item('SM-second'));
    while ((await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [name])).rowCount === 0) {
      await new Promise((r) => setTimeout(r, 10)); // until the claim waits for the row lock
    }
    release();
    await turn;
    expect(await claim).toBe('accepted');
    expect((await a.read(id))!.inbox.map((i) => i.sid)).toEqual(['SM-second']);
  });

  test('when every turn connection is held, then claims, reads and lists of other conversations still get one', async () => {
    const store = await PgConversationStore.open({ pool: dbs[2].pool, sealer, updateConnections: 3 });
    const busy = [newId(), newId(), newId(), newId()];
    for (const id of busy) await store.claimInbound(id, init, item(`SM-busy-${id}`));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered = 0;
    let allIn!: () => void;
    const full = new Promise<void>((r) => (allIn = r));
    const turns = busy.map((id) => store.update(id, async (doc) => {
      if (++entered === 3) allIn();
      await held;
      doc.seq += 1;
    }));
    await full; // three turns hold every turn connection; the fourth waits for one
    const other = newId();
    expect(await store.claimInbound(other, init, item('SM-other'))).toBe('accepted');
    expect((await store.read(other))!.inbox).toHaveLength(1);
    expect(await store.listPending()).toContain(other);
    release();
    await Promise.all(turns);
    for (const id of busy) expect((await store.read(id))!.seq).toBe(1);
  });

  test('when a console event is published on one instance, then the console bus of another receives its ids and statuses only', async () => {
    const busA = new ConsoleEvents();
    const busC = new ConsoleEvents();
    const pick = (e: ConsoleEvent): ConsoleEvent => ({ kind: e.kind, conversationId: e.conversationId, status: e.status, from: e.from, counsellorId: e.counsellorId });
    const eventsA = new PgEvents({ pool: dbs[0].pool, connectionString: url, logger });
    const eventsC = new PgEvents({ pool: dbs[1].pool, connectionString: url, logger });
    try {
      await bridgeBus(eventsA, 'smb_console', busA, pick, logger);
      await bridgeBus(eventsC, 'smb_console', busC, pick, logger);
      const onA = new Promise<ConsoleEvent>((r) => busA.subscribe(r));
      busC.publish({ kind: 'message', conversationId: 'sms-c', status: 'queued', text: SECRET, address: ADDRESS } as ConsoleEvent);
      expect(await onA).toEqual({ kind: 'message', conversationId: 'sms-c', status: 'queued' });
      const onC = new Promise<ConsoleEvent>((r) => busC.subscribe(r));
      busA.publish({ kind: 'handoff', conversationId: 'sms-a', status: 'with_counsellor', from: 'queued', counsellorId: 'sam' });
      expect(await onC).toEqual({ kind: 'handoff', conversationId: 'sms-a', status: 'with_counsellor', from: 'queued', counsellorId: 'sam' });
    } finally {
      await eventsA.close();
      await eventsC.close();
    }
  });

  test('when a message another instance is sending is younger than the reconcile window, then a sender on the shared store waits; older, it looks it up and sends it once', async () => {
    const fake = await startFakeTwilio();
    const api = new TwilioMessagesApi(createTwilioClient({ accountSid: SID, authToken: TOKEN, apiBaseUrl: fake.url }));
    const id = newId();
    await a.claimInbound(id, init, item('SM-out'));
    const sendingSince = 1; // long before this process started: the single-process rule would reconcile it at once
    await a.update(id, (doc) => {
      doc.inbox.shift();
      doc.outbox.push({ id: 'o1', origin: 'bot', body: 'reply one', state: 'sending', sendingSince, token: 'tok', createdAt: 1, attempts: 1 });
    });
    let clock = sendingSince + 1000;
    const sender = new OutboundSender({ store: b, channel: new TwilioChannelSender(api, { sms: SMS_NUMBER }), logger, now: () => clock, statusCallbackUrl: () => undefined, reconcileAfterMs: 10_000, sharedStore: true });
    try {
      sender.kick(id);
      await sender.idle();
      expect(fake.requests).toBe(0);
      expect((await b.read(id))!.outbox[0].state).toBe('sending');
      clock = sendingSince + 10_001;
      sender.kick(id);
      await sender.idle();
      const out = (await b.read(id))!.outbox[0];
      expect(out.state).toBe('sent');
      expect(fake.to(ADDRESS).map((m) => m.Body)).toEqual(['reply one']);
    } finally {
      await sender.close();
      await fake.close();
    }
  });

  test('when an instance commits an outbound message, then others cannot claim it while its lease runs, and exactly one takes it over once the lease runs out', async () => {
    const leased = (pool: number, instanceId: string) => PgConversationStore.open({ pool: dbs[pool].pool, sealer, instanceId, outboxLeaseMs: 400 });
    const [owner, x, y, z] = await Promise.all([leased(0, 'owner'), leased(1, 'x'), leased(2, 'y'), leased(1, 'z')]);
    const id = newId();
    await owner.claimInbound(id, init, item('SM-lease'));
    await owner.update(id, (doc) => {
      doc.inbox.shift();
      doc.outbox.push({ id: 'o1', origin: 'bot', body: 'reply', state: 'pending', token: 't1', createdAt: 1, attempts: 0 });
    });
    const rows = () => dbs[0].pool.query<{ item_id: string; lease_owner: string }>('SELECT item_id, lease_owner FROM outbox WHERE conversation_id = $1', [id]).then((r) => r.rows);
    expect(await rows()).toEqual([{ item_id: 'o1', lease_owner: 'owner' }]);
    expect((await Promise.all([x, y, z].map((s) => s.claimOutbound()))).flat()).not.toContain(id);

    await new Promise((r) => setTimeout(r, 500)); // the owner stops renewing, as if killed
    const claims = await Promise.all([x, y, z, x, y, z].map((s) => s.claimOutbound()));
    expect(claims.flat().filter((c) => c === id)).toHaveLength(1);
    const winner = ['x', 'y', 'z', 'x', 'y', 'z'][claims.findIndex((c) => c.includes(id))];
    expect(await rows()).toEqual([{ item_id: 'o1', lease_owner: winner }]);
  });

  test('when an outbound message is delivered, retried later or its conversation erased, then its outbox row follows', async () => {
    const id = newId();
    await a.claimInbound(id, init, item('SM-rows'));
    await a.update(id, (doc) => {
      doc.inbox.shift();
      doc.outbox.push({ id: 'o1', origin: 'bot', body: 'one', state: 'pending', token: 't1', createdAt: 1, attempts: 0 });
      doc.outbox.push({ id: 'o2', origin: 'bot', body: 'two', state: 'pending', token: 't2', createdAt: 1, attempts: 0 });
    });
    const rows = () => dbs[0].pool.query<{ item_id: string; later: boolean }>("SELECT item_id, due_at > now() + interval '30 s' AS later FROM outbox WHERE conversation_id = $1 ORDER BY item_id", [id]).then((r) => r.rows);
    expect(await rows()).toEqual([{ item_id: 'o1', later: false }, { item_id: 'o2', later: false }]);
    await a.update(id, (doc) => {
      doc.outbox[0].state = 'sent';
      doc.outbox[1].nextAttemptAt = doc.updatedAt + 60_000; // a retry in a minute is not due before then
    });
    expect(await rows()).toEqual([{ item_id: 'o2', later: true }]);
    await a.remove(id);
    expect(await rows()).toEqual([]);
  });

  test('when two instances start the retention purge at once, then one runs it and the other skips that round', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inPass = new Promise<void>((r) => (entered = r));
    const first = ifFirst(dbs[0].pool, LOCKS.retention, async () => {
      entered();
      await held;
      return 'purged by A';
    });
    await inPass;
    expect(await ifFirst(dbs[1].pool, LOCKS.retention, async () => 'purged by B')).toBeUndefined();
    release();
    expect(await first).toBe('purged by A');
    expect(await ifFirst(dbs[1].pool, LOCKS.retention, async () => 'purged by B')).toBe('purged by B'); // the next round
  });
});
