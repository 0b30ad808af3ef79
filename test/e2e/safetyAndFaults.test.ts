import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio';
import { startWithFakeTwilio, inboundForm, postSigned, settle, startApp, waitFor, withTwilio, type Running } from '../helpers/testApp';

describe('opt-out, erase and emergencies through the signed webhook', () => {
  let fake: FakeTwilio;
  let app: Running;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ fake, app, close: stop } = await startWithFakeTwilio());
  });
  afterAll(() => stop());
  const say = async (from: string, body: string) => {
    expect((await postSigned(app, '/twilio/messages', inboundForm(from, body))).status).toBe(200);
    await settle(app);
  };

  test.each([
    ['en', 'STOP', 'START'],
    ['ar', 'توقف', 'ابدأ'],
    ['fr', 'ARRET', 'COMMENCER'],
  ])('when a user sends STOP (%s), then one confirmation, silence until START, then answers again', async (_l, stop, start) => {
    const from = `+1555900${Math.floor(Math.random() * 9000 + 1000)}`;
    await say(from, 'hello');
    await say(from, stop);
    const afterStop = fake.to(from).length;
    await say(from, 'how can I go back home');
    await say(from, 'menu');
    expect(fake.to(from).length).toBe(afterStop);
    await say(from, start);
    expect(fake.to(from).length).toBeGreaterThan(afterStop);
  });

  test('when a user sends DELETE then YES, then every stored trace and their Twilio messages are erased, and they are told', async () => {
    const from = '+15559100001';
    await say(from, 'hello');
    await say(from, 'DELETE');
    const sidsBefore = fake.to(from).map((m) => m.sid);
    await say(from, 'YES');
    const doneMsg = await waitFor(() => fake.deletes.length >= sidsBefore.length && fake.deletes);
    for (const sid of sidsBefore) expect(doneMsg).toContain(sid);
    // the confirmation went out, and was then deleted at Twilio too
    await waitFor(() => fake.deletes.some((s) => /^SM0{10}/.test(s) && !sidsBefore.includes(s)));
    const ids = await app.app.store.listAllIds();
    const docs = await Promise.all(ids.map((id) => app.app.store.read(id)));
    expect(docs.some((d) => d?.address === from)).toBe(false);
  });

  test('when a message signals danger, then the reply comes at once and the turn log says emergency, escalated', async () => {
    const before = app.turns().length;
    await say('+15559100002', 'they kidnapped us and ask ransom, please help');
    const turn = app.turns()[before];
    expect(turn).toMatchObject({ topic: 'help.emergency', intent: 'emergency', escalated: true });
    expect(fake.to('+15559100002').length).toBeGreaterThan(0);
  });

  test('when a user waits for a person, then a question is answered and other messages are acknowledged once, never left in silence', async () => {
    const from = '+15559100003';
    await say(from, 'hello');
    await say(from, 'I want to talk to a real person');
    const n = fake.to(from).length;
    await say(from, 'hello? anyone');
    expect(fake.to(from).length).toBe(n + 1);
    await say(from, 'hello? anyone there');
    expect(fake.to(from).length).toBe(n + 1);
    await say(from, 'how do I go back home');
    expect(fake.to(from).length).toBeGreaterThan(n + 1);
  });
});

describe('Twilio API faults', () => {
  test('when Twilio answers 500 and then 429 with Retry-After, then every reply is delivered exactly once', async () => {
    const fake = await startFakeTwilio();
    let calls = 0;
    fake.setFault(() => (++calls <= 3 ? { status: 500 } : calls <= 5 ? { status: 429, code: 20429, retryAfter: 1 } : null));
    const app = await startApp(withTwilio(fake.url));
    try {
      await postSigned(app, '/twilio/messages', inboundForm('+15559200001', 'menu'));
      await waitFor(() => fake.to('+15559200001').length >= 2, 20000);
      await new Promise((r) => setTimeout(r, 1500));
      await settle(app);
      const bodies = fake.to('+15559200001').map((m) => m.Body);
      expect(new Set(bodies).size).toBe(bodies.length);
      expect(calls).toBeGreaterThan(5);
    } finally {
      await app.close();
      await fake.close();
    }
  });

  test('when Twilio accepts a message and then resets the connection, then reconciliation finds it and nothing is sent twice', async () => {
    const fake = await startFakeTwilio();
    let resetDone = false;
    fake.setFault(() => (resetDone ? null : ((resetDone = true), { reset: 'after' })));
    const app = await startApp({ ...withTwilio(fake.url) });
    try {
      (app.app.sender as unknown as { o: { reconcileAfterMs: number } }).o.reconcileAfterMs = 200;
      await postSigned(app, '/twilio/messages', inboundForm('+15559200002', 'menu'));
      await waitFor(() => fake.to('+15559200002').length >= 2, 20000);
      await new Promise((r) => setTimeout(r, 1500));
      await settle(app);
      const bodies = fake.to('+15559200002').map((m) => m.Body);
      expect(bodies.length).toBeGreaterThan(0);
      expect(new Set(bodies).size).toBe(bodies.length);
    } finally {
      await app.close();
      await fake.close();
    }
  });
});
