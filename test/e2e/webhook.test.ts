import fs from 'node:fs';
import path from 'node:path';
import type { FakeTwilio } from '../helpers/fakeTwilio';
import { startWithFakeTwilio, inboundForm, postSigned, settle, SMS_NUMBER, WA_NUMBER, SID, type Running } from '../helpers/testApp';

describe('the signed webhook, end to end through the real twilio SDK and a fake Messages API', () => {
  let fake: FakeTwilio;
  let app: Running;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ fake, app, close: stop } = await startWithFakeTwilio());
  });
  afterAll(() => stop());

  test('when an SMS arrives, then the reply is posted to the Messages API from the SMS number, and the ack is empty TwiML', async () => {
    const r = await postSigned(app, '/twilio/messages', inboundForm('+15557000001', 'hello'));
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/text\/xml/);
    expect(r.text).toContain('<Response/>');
    await settle(app);
    const replies = fake.to('+15557000001');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((m) => m.From === SMS_NUMBER && m.Body)).toBe(true);
    expect(replies[0].auth).toBe('Basic ' + Buffer.from(`${SID}:test-auth-token-0123456789abcdef`).toString('base64'));
    expect(replies[0].StatusCallback).toMatch(/\/twilio\/status\?c=sms-[0-9a-f]+&t=[0-9a-f]+$/);
  });

  test('when a WhatsApp message arrives, then the reply keeps the whatsapp: prefix and comes from the WhatsApp sender', async () => {
    await postSigned(app, '/twilio/messages', inboundForm('+15557000002', 'Bonjour, je veux rentrer chez moi', 'whatsapp'));
    await settle(app);
    const replies = fake.to('whatsapp:+15557000002');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((m) => m.From === `whatsapp:${WA_NUMBER}`)).toBe(true);
    const turn = app.turns().at(-1)!;
    expect(turn).toMatchObject({ channel: 'whatsapp', language: 'fr', topic: 'return.assisted' });
  });

  test.each([
    ['a forged signature', { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }],
    ['a signature made with the wrong token', { token: 'wrong-token' }],
    ['no signature at all', { signature: '' }],
  ])('when the webhook carries %s, then it answers 403 and nothing is sent', async (_name, opts) => {
    const before = fake.messages.length;
    const r = await postSigned(app, '/twilio/messages', inboundForm('+15557000003', 'hello'), opts);
    expect(r.status).toBe(403);
    await settle(app);
    expect(fake.messages.length).toBe(before);
  });

  test('when the signature was made for another host (Host header spoofing), then it is refused', async () => {
    const form = inboundForm('+15557000003', 'hello');
    const twilio = (await import('twilio')).default;
    const sig = twilio.getExpectedTwilioSignature(app.app.authToken, 'http://evil.example/twilio/messages', form);
    const r = await postSigned(app, '/twilio/messages', form, { signature: sig, headers: { 'x-forwarded-host': 'evil.example' } });
    expect(r.status).toBe(403);
  });

  test('when the same MessageSid is delivered three times, then the user gets exactly one set of replies', async () => {
    const once = inboundForm('+15557000005', 'hello');
    await postSigned(app, '/twilio/messages', once);
    await settle(app);
    const single = fake.to('+15557000005').length;
    const dup = inboundForm('+15557000004', 'hello');
    const results = await Promise.all([postSigned(app, '/twilio/messages', dup), postSigned(app, '/twilio/messages', dup)]);
    results.push(await postSigned(app, '/twilio/messages', dup));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    await settle(app);
    expect(single).toBeGreaterThan(0);
    expect(fake.to('+15557000004').length).toBe(single);
  });

  test.each([
    ['without From', (f: Record<string, string>) => delete f.From, /From/],
    ['without MessageSid', (f: Record<string, string>) => delete f.MessageSid, /MessageSid/],
    ['with a From that is not an address', (f: Record<string, string>) => (f.From = '<script>'), /From/],
    ['with NumMedia not a number', (f: Record<string, string>) => (f.NumMedia = 'lots'), /NumMedia/],
  ])('when a signed form arrives %s, then it answers 400 naming the field', async (_n, mutate, reason) => {
    const form = inboundForm('+15557000006', 'x');
    mutate(form);
    const r = await postSigned(app, '/twilio/messages', form);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(reason);
  });

  test('when a body is larger than the limit, then it answers 413', async () => {
    const r = await postSigned(app, '/twilio/messages', inboundForm('+15557000007', 'x'.repeat(70000)));
    expect(r.status).toBe(413);
  });

  test('when an unknown route is called, then 404; /healthz answers ok', async () => {
    expect((await fetch(app.url + '/nope')).status).toBe(404);
    const h = await fetch(app.url + '/healthz');
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
  });

  test('when a status callback arrives signed, then the message records it; out-of-order callbacks never move it back', async () => {
    await postSigned(app, '/twilio/messages', inboundForm('+15557000008', 'menu'));
    await settle(app);
    const msg = fake.to('+15557000008')[0];
    const cbPath = new URL(msg.StatusCallback!).pathname + new URL(msg.StatusCallback!).search;
    for (const status of ['delivered', 'sent', 'queued']) {
      const r = await postSigned(app, cbPath, { MessageSid: msg.sid, MessageStatus: status, AccountSid: SID });
      expect(r.status).toBe(204);
    }
    const id = new URL(msg.StatusCallback!).searchParams.get('c')!;
    const doc = await app.app.store.read(id);
    const item = doc!.outbox.find((o) => o.twilioSid === msg.sid)!;
    expect(item.deliveryStatus).toBe('delivered');
    const forged = await postSigned(app, cbPath, { MessageSid: msg.sid, MessageStatus: 'failed' }, { token: 'nope' });
    expect(forged.status).toBe(403);
  });

  test('then every turn wrote one turn log line, and no log line holds a phone number or message text', () => {
    const turns = app.turns();
    expect(turns.length).toBeGreaterThanOrEqual(5);
    for (const t of turns) for (const k of ['channel', 'language', 'topic', 'intent', 'escalated']) expect(t).toHaveProperty(k);
    const all = app.logs.join('\n');
    expect(all).not.toMatch(/555700000\d/);
    expect(all).not.toMatch(/je veux rentrer/);
  });

  test('then no file under DATA_DIR holds a test phone number or message text', () => {
    const hits: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/555700000\d|je veux rentrer/.test(fs.readFileSync(p, 'utf8'))) hits.push(p);
      }
    };
    walk(app.dataDir);
    expect(hits).toEqual([]);
  });
});
