import fs from 'node:fs';
import path from 'node:path';
import { inboundForm, postSigned, settle, startApp, type Running } from '../helpers/testApp';
import { segmentCount } from '../../src/domain/smsSegments';
import { LANGUAGES } from '../../src/knowledge/topics';

/**
 * The safety net through the real signed webhook, in every language: a queued user is never left in silence,
 * an emergency while waiting is answered at once and marks the wait urgent, the first emergency SMS carries
 * the numbers of the sender's country within two segments, and the after-hours notice speaks the user's language.
 */
const root = path.join(__dirname, '..', '..');
const json = (lng: string, file: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, file), 'utf8'));
const ui = (lng: string) => json(lng, 'ui.json');
const und = (lng: string) => json(lng, 'understanding.json');
const topics = (lng: string) => json(lng, 'topics.json');
const first = (s: string) => s.split('{{')[0].trim();
const NON_LATIN = new Set(['ar', 'fa-AF', 'ps', 'ckb', 'am', 'ti']);

// Sunday 2026-12-06 12:00 UTC: outside "mon-fri 09:00-17:00" in Africa/Tripoli; the next opening is Monday 09:00
const SUNDAY_NOON = Date.parse('2026-12-06T12:00:00Z');

describe('waiting for a counsellor, in every language', () => {
  let app: Running;
  let offset = 0;
  beforeAll(async () => {
    offset = SUNDAY_NOON - Date.now();
    app = await startApp({ OFFICE_HOURS: 'mon-fri 09:00-17:00', OFFICE_TIMEZONE: 'Africa/Tripoli' }, { now: () => Date.now() + offset });
  });
  afterAll(() => app.close());

  const say = async (from: string, body: string) => {
    const before = app.turns().length;
    const seen = app.app.dryRun!.to(from).length;
    expect((await postSigned(app, '/twilio/messages', inboundForm(from, body))).status).toBe(200);
    await settle(app);
    return { turn: app.turns()[before], replies: app.app.dryRun!.to(from).slice(seen).map((m) => m.body ?? '') };
  };

  test.each(LANGUAGES.map((l, i) => [l, i] as const))('when a %s user waits, then emergencies, questions and other messages are each answered as they should be', async (lng, i) => {
    const from = `+1555600${String(i).padStart(4, '0')}`;
    const u = und(lng);
    // 1. a question sets the language; 2. asking for a person queues the conversation with an honest notice
    const q = await say(from, u.topics['return.assisted'].examples[0]);
    expect(q.turn).toMatchObject({ language: lng, topic: 'return.assisted' });
    const queued = await say(from, u.commands.counsellor[0]);
    expect(queued.turn).toMatchObject({ intent: 'handoff', escalated: true });
    const notice = queued.replies.join('\n');
    const monday = new Intl.DateTimeFormat(lng, { weekday: 'long', timeZone: 'Africa/Tripoli' }).format(new Date('2026-12-07T09:00:00Z'));
    expect(notice).toContain(monday);
    expect(notice).toContain(first(ui(lng).handoff.queuedLater));
    expect(notice).not.toContain(first(ui(lng).handoff.queued)); // no usual wait out of hours
    if (lng !== 'en') expect(notice).not.toMatch(/\b(Mon|Monday|UTC|Tripoli)\b/);
    if (NON_LATIN.has(lng)) expect(notice.replace(/IOM|SOS/g, '')).not.toMatch(/[A-Za-z]{2,}/);

    // 3. the emergency word the bot itself told the user: the numbers at once, the wait marked urgent
    const told = await say(from, u.commands.emergency[0]);
    expect(told.turn).toMatchObject({ intent: 'emergency', topic: 'help.emergency', escalated: true });
    expect(told.replies.join('\n')).toContain(first(ui(lng).handoff.markedUrgent));
    const doc = await app.app.store.read(String(told.turn.conversation));
    expect(doc?.handoff).toMatchObject({ status: 'queued', priority: 'urgent' });

    // 4. a question is answered, with the "still waiting" line once
    const asked = await say(from, u.topics['smuggling.risks'].examples[0]);
    expect(asked.turn).toMatchObject({ topic: 'smuggling.risks', escalated: true });
    expect(asked.replies.join('\n')).toContain(topics(lng)['smuggling.risks'].sms.slice(0, 20));
    expect(asked.replies.join('\n')).toContain(first(ui(lng).handoff.stillWaiting));
    const again = await say(from, u.topics['return.reintegration'].examples[0]);
    expect(again.turn).toMatchObject({ topic: 'return.reintegration', escalated: true });
    expect(again.replies.join('\n')).not.toContain(first(ui(lng).handoff.stillWaiting));

    // 5. anything else is acknowledged, at most once every ten minutes
    const ack = await say(from, '🙂');
    expect(ack.turn).toMatchObject({ intent: 'handoff', escalated: true });
    expect(ack.replies).toEqual([ui(lng).handoff.ackWaiting]);
    expect((await say(from, '...')).replies).toEqual([]);
    offset += 11 * 60 * 1000;
    expect((await say(from, '...')).replies).toEqual([ui(lng).handoff.ackWaiting]);
  });
});

describe('the number comes first', () => {
  let app: Running;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  const send = async (from: string, body: string, extra: Record<string, string> = {}, channel: 'sms' | 'whatsapp' = 'sms') => {
    const before = app.turns().length;
    await postSigned(app, '/twilio/messages', inboundForm(from, body, channel, extra));
    await settle(app);
    return { turn: app.turns()[before], bodies: app.app.dryRun!.to(channel === 'sms' ? from : `whatsapp:${from}`).map((m) => m.body ?? '') };
  };

  // calling code -> a verified number of that country that must be in the first SMS
  test.each([
    ['+2348031234567', 'en', 'they are beating us and we cannot leave this house', '112'],
    ['+905321234567', 'ar', 'ساعدونا، نحن محبوسين في مخزن والحراس يضربوننا', '112'],
    ['+251911234567', 'am', 'አሁን እርዱኝ', '991'],
    ['+964770123456', 'ckb', 'فریاکەوتن', '911'],
    ['+21620123456', 'fr', 'au secours', '197'],
    ['+212612345678', 'fr', 'au secours', '19'],
    ['+923001234567', 'en', 'help now', '1122'],
  ])('when %s sends in %s "%s" by SMS, then the first message names %s within two segments, and the country is said', async (from, lng, body, number) => {
    const { turn, bodies } = await send(from, body);
    expect(turn).toMatchObject({ intent: 'emergency', escalated: true, language: lng });
    expect(bodies[0]).toMatch(new RegExp(`(^|\\D)${number}(\\D|$)`));
    expect(segmentCount(bodies[0]).segments).toBeLessThanOrEqual(2);
    const all = bodies.join('\n');
    expect(all).toContain(first(ui(lng).emergency.forCountry));
    expect(all).not.toContain(first(ui(lng).emergency.askCountry)); // the calling code answered it
    expect(app.logs.join('\n')).not.toContain(from.slice(4));
  });

  test("when Twilio's FromCountry names the country, then it wins over the calling code", async () => {
    const { bodies } = await send('+15551239876', 'help now', { FromCountry: 'NG' });
    expect(bodies[0]).toContain('112');
  });

  test('when the country has no verified number (Libya), then the first SMS says so in one line and the counsellor is alerted', async () => {
    const { turn, bodies } = await send('+218911234567', 'help now');
    expect(turn).toMatchObject({ intent: 'emergency', escalated: true });
    expect(bodies[0]).toBe(ui('en').emergency.smsFirstNone.replace('{{country}}', 'Libya'));
  });

  test('when the calling code is not one we know, then the bot asks the country, and the chosen card follows at once', async () => {
    const from = '+15551230077';
    const { bodies } = await send(from, 'help now');
    expect(bodies.join('\n')).toContain(first(ui('en').emergency.askCountry));
    const list = bodies.join('\n');
    expect(list).toMatch(/\d+ Türkiye/); // transit countries are offered too
    const n = list.match(/(\d+) Türkiye/)![1];
    const after = await send(from, n);
    expect(after.bodies.join('\n')).toContain('157');
  });

  test('when a user sends COUNTRY and then a choice, then that country\'s card is shown at once', async () => {
    const from = '+15551230078';
    await send(from, 'how do I go home from libya');
    const list = (await send(from, 'country')).bodies.join('\n');
    const n = list.match(/(\d+) Nigeria/)![1];
    const { bodies } = await send(from, n);
    expect(bodies.join('\n')).toContain('627');
  });

  test('when a WhatsApp emergency comes from +234, then the full card with its source dates comes first', async () => {
    const { bodies } = await send('+2348031234568', 'help now', {}, 'whatsapp');
    expect(bodies[0]).toContain(first(ui('en').emergency.intro));
    expect(bodies[0]).toContain('112');
    expect(bodies[0]).toContain('2021-09');
  });
});
