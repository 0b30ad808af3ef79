import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import twilio from 'twilio';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio';
import { buildServer, removeServerBuild, startChildServer, type ChildServer } from '../helpers/childServer';
import { startWithFakeTwilio, inboundForm, postSigned, settle, startApp, waitFor, withTwilio, TOKEN, type Running } from '../helpers/testApp';

/**
 * Fault tests of the delivery guarantees (README "Delivery guarantees"): the built server killed with SIGKILL
 * and stopped with SIGTERM during a burst, redelivered MessageSids, a reset that hides a message behind an
 * identical earlier one, and property-based fuzzing of the webhook.
 */

// One conversation's script. Replies differ from message to message (so a reordering shows), and `menu` comes
// back several times with identical replies (so a look-up by body cannot tell them apart).
const SCRIPT = ['hello', 'is the sea crossing safe', 'menu', 'I need a doctor', 'how can I go back home', 'menu', 'they took my passport', 'MENU', 'is the sea crossing safe', 'menu'];
const CONVERSATIONS = 20;

interface Conversation {
  from: string;
  forms: Array<Record<string, string>>;
  acked: boolean[];
}

function conversations(prefix: string, n = CONVERSATIONS): Conversation[] {
  return Array.from({ length: n }, (_, c) => {
    const from = `+1555${prefix}${String(c).padStart(4, '0')}`;
    return { from, forms: SCRIPT.map((body) => inboundForm(from, body)), acked: SCRIPT.map(() => false) };
  });
}

/**
 * Every conversation at once; within one, its messages in order, each sent once the previous was acknowledged
 * (as Twilio does). A conversation stops at its first unacknowledged message (non-200 or connection failure);
 * calling this again resends that message with the same MessageSid, then the rest.
 */
async function burst(server: ChildServer, convs: Conversation[], onAck: () => void = () => undefined): Promise<void> {
  await Promise.all(convs.map(async (c) => {
    for (let i = 0; i < c.forms.length; i++) {
      if (c.acked[i]) continue;
      const status = await server.post('/twilio/messages', c.forms[i]).catch(() => 0);
      if (status !== 200) return;
      c.acked[i] = true;
      onAck();
    }
  }));
}

const dataDirs: string[] = [];
const freshDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-rel-'));
  dataDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dataDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const pendingMarkers = (dataDir: string) => {
  try {
    return fs.readdirSync(path.join(dataDir, 'store', 'pending'));
  } catch {
    return ['(no store yet)'];
  }
};

/** Waits until every conversation has at least `expected` replies and no conversation has unfinished work. */
async function quiescent(fake: FakeTwilio, dataDir: string, convs: Conversation[], expected: number): Promise<void> {
  await waitFor(() => convs.every((c) => fake.to(c.from).length >= expected) && pendingMarkers(dataDir).length === 0, 60000).catch(() => {
    throw new Error(`not quiescent: replies ${convs.map((c) => fake.to(c.from).length).join(',')} (want ${expected} each); pending ${pendingMarkers(dataDir).length}`);
  });
}

async function stopGracefully(server: ChildServer): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  server.kill('SIGTERM');
  return server.exited;
}

const errorLines = (servers: ChildServer[]) => servers.flatMap((s) => s.lines.filter((l) => l.level === 'error' || l.level === 'fatal'));

/** Each reply carries its own StatusCallback token: a token seen twice at Twilio is a message sent twice. */
function tokensSentTwice(fake: FakeTwilio): string[] {
  const seen = new Map<string, number>();
  for (const m of fake.messages) {
    const t = new URL(m.StatusCallback ?? 'http://x/').searchParams.get('t') ?? '';
    seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([t]) => t);
}

describe('the built server, killed and restarted on the same DATA_DIR', () => {
  let expected: string[];
  let build: string;
  const live: ChildServer[] = [];
  const start = async (dataDir: string, fakeUrl: string) => {
    const s = await startChildServer({ build, dataDir, fakeUrl });
    live.push(s);
    return s;
  };

  beforeAll(async () => {
    build = buildServer();
    // the replies to SCRIPT, measured once on an undisturbed (in-process) server
    const fake = await startFakeTwilio();
    const app = await startApp(withTwilio(fake.url));
    try {
      const [c] = conversations('0000', 1);
      for (const form of c.forms) expect((await postSigned(app, '/twilio/messages', form)).status).toBe(200);
      await settle(app);
      expect(app.turns()).toHaveLength(SCRIPT.length);
      expected = fake.to(c.from).map((m) => m.Body ?? '');
      expect(expected.length).toBeGreaterThan(SCRIPT.length);
    } finally {
      await app.close();
      await fake.close();
    }
  }, 90000);

  /**
   * Twilio retries what it got no 200 for, with the same MessageSid, and the burst goes on, against a server
   * restarted on the same DATA_DIR; it is then stopped gracefully, and every conversation must have exactly the
   * undisturbed replies, none sent twice.
   */
  async function restartAndFinish(dataDir: string, fake: FakeTwilio, convs: Conversation[]): Promise<ChildServer> {
    const second = await start(dataDir, fake.url);
    await burst(second, convs);
    expect(convs.every((c) => c.acked.every(Boolean))).toBe(true);
    await quiescent(fake, dataDir, convs, expected.length);
    expect(await stopGracefully(second)).toEqual({ code: 0, signal: null });
    for (const c of convs) expect({ from: c.from, bodies: fake.to(c.from).map((m) => m.Body) }).toEqual({ from: c.from, bodies: expected });
    expect(tokensSentTwice(fake)).toEqual([]);
    return second;
  }

  afterEach(() => {
    for (const s of live.splice(0)) s.kill('SIGKILL');
  });
  afterAll(() => build && removeServerBuild(build));

  // kill points: the number of acknowledgements (of 200) after which the server is killed; one row, one restart
  test.each([[20], [90], [170]])(
    'when the server is killed (SIGKILL) after %i of 200 acknowledgements and restarted, then every message is answered exactly once, in order',
    async (killAt) => {
      const fake = await startFakeTwilio();
      const dataDir = freshDir();
      try {
        const convs = conversations(`1${String(killAt).padStart(3, '0')}`);
        const first = await start(dataDir, fake.url);
        let acks = 0;
        await burst(first, convs, () => {
          if (++acks >= killAt) first.kill('SIGKILL');
        });
        expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
        expect(acks).toBeGreaterThanOrEqual(killAt);
        expect(acks).toBeLessThan(CONVERSATIONS * SCRIPT.length);

        await restartAndFinish(dataDir, fake, convs);
        expect(pendingMarkers(dataDir)).toEqual([]);
        expect(errorLines(live)).toEqual([]);
      } finally {
        await fake.close();
      }
    },
    90000,
  );

  test('when the server gets SIGTERM during a burst, then it refuses new webhooks, finishes the turns in flight, exits 0, and after a restart every message is answered exactly once', async () => {
    const fake = await startFakeTwilio();
    const dataDir = freshDir();
    try {
      const convs = conversations('2000', 10);
      const late = conversations('2001', 1);
      const first = await start(dataDir, fake.url);
      let acks = 0;
      let probe: Promise<number> | undefined;
      const stopping = () => first.lines.some((l) => l.msg === 'shutting down');
      await burst(first, convs, () => {
        if (++acks !== 50) return;
        first.kill('SIGTERM');
        // once the server says it is shutting down, a new webhook is refused (503) or cannot connect
        probe = waitFor(stopping, 20000).then(() => first.post('/twilio/messages', late[0].forms[0]).catch(() => 0));
      });
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(first.lines.some((l) => l.msg === 'stopped')).toBe(true);
      expect([0, 503]).toContain(await probe);

      const all = [...convs, ...late];
      const second = await restartAndFinish(dataDir, fake, all);
      expect(errorLines(live)).toEqual([]);
      // no turn was cut off and run again: one turn log line per message across both processes
      expect(first.turns().length + second.turns().length).toBe(all.length * SCRIPT.length);
    } finally {
      await fake.close();
    }
  }, 90000);
});

describe('redelivery and reconciliation, in process', () => {
  let fake: FakeTwilio;
  let app: Running;
  let stop: () => Promise<void>;
  beforeEach(async () => {
    ({ fake, app, close: stop } = await startWithFakeTwilio());
  });
  afterEach(() => stop());

  test('when the same MessageSid is delivered 5 times, 3 of them at once, then it gets one turn and one set of replies', async () => {
    const control = '+15553000001';
    await postSigned(app, '/twilio/messages', inboundForm(control, 'hello'));
    await settle(app);
    const turnsBefore = app.turns().length;

    const from = '+15553000002';
    const form = inboundForm(from, 'hello');
    const statuses = await Promise.all([1, 2, 3].map(() => postSigned(app, '/twilio/messages', form).then((r) => r.status)));
    statuses.push((await postSigned(app, '/twilio/messages', form)).status);
    await settle(app);
    statuses.push((await postSigned(app, '/twilio/messages', form)).status);
    await settle(app);

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(app.turns().length - turnsBefore).toBe(1);
    expect(app.logs.filter((l) => l.includes('duplicate delivery ignored'))).toHaveLength(4);
    expect(fake.to(from).map((m) => m.Body)).toEqual(fake.to(control).map((m) => m.Body));
  });

  test('when a send is reset before Twilio got it and an identical earlier reply exists, then reconciliation does not mistake one for the other', async () => {
    (app.app.sender as unknown as { o: { reconcileAfterMs: number } }).o.reconcileAfterMs = 100;
    const from = '+15553000003';
    await postSigned(app, '/twilio/messages', inboundForm(from, 'hello'));
    await settle(app);
    const first = fake.to(from).map((m) => m.Body);
    const menu = first.at(-1);
    let resets = 0;
    fake.setFault((p) => (p.Body === menu && resets === 0 ? (resets++, { reset: 'before' }) : null));
    await postSigned(app, '/twilio/messages', inboundForm(from, 'menu'));
    await waitFor(() => resets === 1);
    await waitFor(() => fake.to(from).length > first.length).catch(() => undefined);
    await settle(app);
    expect(fake.to(from).map((m) => m.Body)).toEqual([...first, menu]);
  });
});

describe('fuzzing POST /twilio/messages', () => {
  const LIMIT = 4096;
  let fake: FakeTwilio;
  let app: Running;
  beforeAll(async () => {
    fake = await startFakeTwilio();
    app = await startApp({ ...withTwilio(fake.url), MAX_BODY_BYTES: String(LIMIT), TURN_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const nasty = fc.constantFrom('', '\u0000', 'a\u0000b', '👩‍👩‍👧‍👦', '\ud800', 'مرحبا', 'ሰላም', '%', '%zz', '%E0%A4', '%00', '+', '&', '=', '&&==', 'STOP', 'menu', 'DELETE', 'YES', ' ');
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    nasty,
    fc.string({ unit: fc.constantFrom('%', 'a', 'F', '0', '+', '&', '=', 'é', '\u0000', '[', ']'), maxLength: 30 }),
  );
  const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
  const FIELDS = ['MessageSid', 'AccountSid', 'From', 'To', 'Body', 'NumMedia', 'SmsSid', 'WaId', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'Body[]', 'a[b]'];

  /** A Twilio-like form: clean, or with fields replaced, dropped or repeated. */
  const twilioForm = fc.record({
    n: fc.integer({ min: 0, max: 19 }),
    whatsapp: fc.boolean(),
    sid: hex(32),
    body: text,
    changes: fc.array(fc.tuple(fc.constantFrom(...FIELDS), text, fc.constantFrom('set', 'drop', 'repeat')), { maxLength: 3 }),
  }).map(({ n, whatsapp, sid, body, changes }) => {
    const form = inboundForm(`+1555400${String(n).padStart(4, '0')}`, body, whatsapp ? 'whatsapp' : 'sms');
    form.MessageSid = form.SmsSid = form.SmsMessageSid = `SM${sid}`;
    const pairs: Array<[string, string]> = Object.entries(form);
    for (const [k, v, how] of changes) {
      if (how === 'drop') pairs.splice(0, pairs.length, ...pairs.filter(([key]) => key !== k));
      else if (how === 'repeat') pairs.push([k, v]);
      else pairs.splice(0, pairs.length, ...pairs.filter(([key]) => key !== k), [k, v]);
    }
    return { kind: 'form' as const, pairs, clean: changes.length === 0 };
  });
  const randomForm = fc.array(fc.tuple(text, text), { maxLength: 12 }).map((pairs) => ({ kind: 'form' as const, pairs, clean: false }));
  const rawText = fc.oneof(text, fc.string({ unit: 'binary', maxLength: 200 })).map((s) => ({ kind: 'raw' as const, bytes: Buffer.from(s, 'utf8') }));
  const rawBytes = fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: 'raw' as const, bytes: Buffer.from(b) }));
  const manyFields = fc.integer({ min: 150, max: 400 }).map((n) => ({ kind: 'form' as const, pairs: Array.from({ length: n }, (_, i): [string, string] => [`f${i}`, 'x']), clean: false }));
  const oversize = fc.record({ size: fc.integer({ min: LIMIT + 1, max: LIMIT * 4 }), n: fc.integer({ min: 0, max: 19 }) })
    .map(({ size, n }) => ({ kind: 'oversize' as const, pairs: Object.entries(inboundForm(`+1555400${String(n).padStart(4, '0')}`, 'x'.repeat(size))) }));

  const CONTENT_TYPES = [
    undefined, 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/x-www-form-urlencoded; charset=UTF-8',
    'application/x-www-form-urlencoded; charset=utf-16', 'application/x-www-form-urlencoded; charset=latin1', 'application/x-www-form-urlencoded; charset=iso-8859-1',
    'application/x-www-form-urlencoded; charset=unknown-8', 'application/x-www-form-urlencoded; charset=', 'application/x-www-form-urlencoded;;;', 'application/json',
    'application/json; charset=utf-8', 'multipart/form-data; boundary=xyz', 'text/plain', 'text/xml', '*/*', 'application/x-www-form-urlencoded, text/plain', 'garbage',
  ];
  const ENCODINGS = [undefined, 'identity', 'gzip', 'deflate', 'br', 'GZIP', 'x-gzip', 'gzip, deflate', 'compress', 'garbage'];
  const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019+/=;,: -_'), maxLength: 60 });

  const anyHeaders = fc.record({
    contentType: fc.oneof({ arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 6 }, { arbitrary: printable, weight: 1 }),
    encoding: fc.constantFrom(...ENCODINGS),
    compress: fc.boolean(),
    signature: fc.constantFrom('valid', 'valid', 'none', 'garbage', 'wrong-token', 'other-url'),
    garbageSignature: printable,
    query: fc.constantFrom('', '', '', '?a=1', '?%zz', '?x=%00&x=2'),
  });
  // what Twilio sends: so that some of the forms get past the signature to the form validation and the turn
  const twilioHeaders = fc.record({
    contentType: fc.constantFrom<string | undefined>('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8'),
    encoding: fc.constantFrom<string | undefined>(undefined, 'identity', 'gzip'),
    compress: fc.constant(true),
    signature: fc.constant('valid'),
    garbageSignature: fc.constant(''),
    query: fc.constantFrom('', '?a=1'),
  });
  const request = fc.tuple(
    fc.oneof({ arbitrary: twilioForm, weight: 5 }, { arbitrary: randomForm, weight: 2 }, { arbitrary: rawText, weight: 2 }, { arbitrary: rawBytes, weight: 1 }, { arbitrary: manyFields, weight: 1 }, { arbitrary: oversize, weight: 1 }),
    fc.oneof({ arbitrary: twilioHeaders, weight: 1 }, { arbitrary: anyHeaders, weight: 6 }),
  ).map(([body, headers]) => ({ body, ...headers }));

  // one keep-alive connection, as Twilio's would be; node:http lets a request go without a content-type
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  afterAll(() => agent.destroy());
  const send = (pathAndQuery: string, headers: Record<string, string>, body: Buffer) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(app.url + pathAndQuery, { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  test('when 10,000 random and malformed requests arrive, then none gets a 5xx or crashes the server, every 4xx says why, and oversize bodies get 413', async () => {
    const publicUrl = app.app.publicUrl();
    const report: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const pathAndQuery = '/twilio/messages' + r.query;
        const params: Record<string, string> = {};
        let bytes: Buffer;
        if (r.body.kind === 'raw') bytes = r.body.bytes;
        else {
          for (const [k, v] of r.body.pairs) params[k] = v;
          bytes = Buffer.from(new URLSearchParams(r.body.pairs).toString(), 'utf8');
        }
        const compressible = r.encoding === 'gzip' || r.encoding === 'GZIP' || r.encoding === 'deflate' || r.encoding === 'br';
        if (compressible && r.compress) {
          bytes = r.encoding === 'deflate' ? zlib.deflateSync(bytes) : r.encoding === 'br' ? zlib.brotliCompressSync(bytes) : zlib.gzipSync(bytes);
        }
        const headers: Record<string, string> = {};
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        if (r.encoding !== undefined) headers['content-encoding'] = r.encoding;
        if (r.signature === 'valid') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(TOKEN, publicUrl + pathAndQuery, params);
        if (r.signature === 'wrong-token') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature('not-the-token', publicUrl + pathAndQuery, params);
        if (r.signature === 'other-url') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(TOKEN, 'http://evil.example' + pathAndQuery, params);
        if (r.signature === 'garbage') headers['x-twilio-signature'] = r.garbageSignature;

        const res = await send(pathAndQuery, headers, bytes);
        const reason = res.text;
        report[res.status] = (report[res.status] ?? 0) + 1;
        const what = () => `${res.status} ${JSON.stringify(reason.slice(0, 100))} for ${JSON.stringify({ ...r, body: r.body.kind })}`;
        if (res.status >= 500) throw new Error(`5xx: ${what()}`);
        if (res.status >= 400 && reason.trim() === '') throw new Error(`4xx without a reason: ${what()}`);

        const plainForm = /^application\/x-www-form-urlencoded(; charset=utf-8)?$/i.test(r.contentType ?? '');
        const readable = r.encoding === undefined || r.encoding === 'identity' || (compressible && r.compress);
        const tooMany = r.body.kind === 'form' && r.body.pairs.length > 200;
        if ((r.body.kind === 'oversize' || tooMany) && plainForm && readable && res.status !== 413) throw new Error(`oversize body not refused with 413: ${what()}`);
        if (r.body.kind === 'form' && r.body.clean && plainForm && readable && r.signature === 'valid' && bytes.length <= LIMIT && res.status !== 200) {
          throw new Error(`a well-formed signed webhook was refused: ${what()}`);
        }
      }),
      { numRuns: 10000 },
    );
    // the server is still up and logged no failed request or failed turn
    expect((await fetch(app.url + '/healthz')).status).toBe(200);
    expect(report[200]).toBeGreaterThan(30);
    expect(report[413]).toBeGreaterThan(100);
    const errors = app.logs.map((l) => JSON.parse(l)).filter((o) => o.level === 'error' || o.level === 'fatal');
    expect(errors.map((e) => e.msg)).toEqual([]);
  }, 90000);
});
