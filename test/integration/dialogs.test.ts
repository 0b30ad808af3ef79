import fs from 'node:fs';
import path from 'node:path';
import { inboundForm, postSigned, settle, startApp, type Running } from '../helpers/testApp';
import { plainForSms } from '../../src/channels/twilio/splitMessage';

/** Dialog behaviour as tables: what the user says, what the turn log says, and what the reply contains (from locales). */
const root = path.join(__dirname, '..', '..');
const ui = (lng: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, 'ui.json'), 'utf8'));
const topics = (lng: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, 'topics.json'), 'utf8'));
const first = (s: string) => s.split('{{')[0].trim();

type Step = [says: string, turn: { topic: string | null; intent: string; escalated?: boolean }, replyContains: (lng: string) => string[]];

const conversation = (lng: string, greet: string, returnQuestion: string, moreWord: string): Step[] => [
  [greet, { topic: null, intent: 'menu' }, (l) => [first(ui(l).welcome.first), first(ui(l).menu.header), topics(l)['return.assisted'].title]],
  ['9', { topic: 'return.assisted', intent: 'topic' }, (l) => [topics(l)['return.assisted'].sms.slice(0, 30), first(ui(l).country.prompt)]],
  ['6', { topic: 'return.assisted', intent: 'topic' }, (l) => [first(ui(l).country.saved), ui(l).country.names.LY, first(ui(l).card.none), first(ui(l).followUps.header)]],
  ['0', { topic: null, intent: 'menu' }, (l) => [first(ui(l).menu.header)]],
  [returnQuestion, { topic: 'return.assisted', intent: 'search' }, (l) => [topics(l)['return.assisted'].sms.slice(0, 30)]],
  // SMS carries the fuller text without WhatsApp's *bold* marks
  [moreWord, { topic: 'return.assisted', intent: 'topic' }, (l) => [plainForSms(topics(l)['return.assisted'].whatsapp).slice(0, 30)]],
];

const tables: Array<[string, Step[]]> = [
  ['en', conversation('en', 'hello', 'how can i go back home to my country', 'more')],
  ['fr', conversation('fr', 'bonjour', 'je veux rentrer chez moi dans mon pays, comment faire', 'plus')],
  ['ar', conversation('ar', 'مرحبا', 'كيف ارجع الى بلدي؟ اريد العودة الطوعية', 'المزيد')],
];

describe.each(tables)('a conversation in %s', (lng, steps) => {
  let app: Running;
  const from = `+1555400${String(tables.findIndex(([l]) => l === lng)).padStart(4, '0')}`;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  test.each(steps.map((s, i) => [i + 1, ...s] as const))('step %d: when the user says %j, then the turn is %j and the reply holds the locale texts', async (_i, says, turn, contains) => {
    const before = app.turns().length;
    const seen = app.app.dryRun!.to(from).length;
    expect((await postSigned(app, '/twilio/messages', inboundForm(from, says))).status).toBe(200);
    await settle(app);
    const t = app.turns()[before];
    expect(t).toMatchObject({ ...turn, language: lng, channel: 'sms' });
    const replies = app.app.dryRun!.to(from).slice(seen).map((m) => m.body ?? '').join('\n');
    for (const part of contains(lng)) expect(replies).toContain(part);
  });
});

describe('first messages', () => {
  let app: Running;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  test.each([
    ['en', 'how can i go back home from libya', 'return.assisted', 'search'],
    ['fr', 'je veux rentrer chez moi au mali, comment faire', 'return.assisted', 'search'],
    ['ar', 'كيف أعود إلى بلدي من ليبيا؟', 'return.assisted', 'search'],
  ])('when the first message (%s) asks a question, then the welcome, the notice and the answer come in the same turn', async (lng, says, topic, intent) => {
    const from = `+1555410${lng.length}${says.length}`;
    await postSigned(app, '/twilio/messages', inboundForm(from, says));
    await settle(app);
    expect(app.turns().at(-1)).toMatchObject({ topic, intent, language: lng });
    const bodies = app.app.dryRun!.to(from).map((m) => m.body ?? '');
    expect(bodies[0]).toContain(first(ui(lng).welcome.first));
    expect(bodies.join('\n')).toContain(topics(lng)[topic].sms.slice(0, 25));
  });

  test('when the first message is an emergency, then the emergency reply comes before the privacy notice', async () => {
    const from = '+15554200001';
    await postSigned(app, '/twilio/messages', inboundForm(from, 'they kidnapped my brother and ask ransom'));
    await settle(app);
    expect(app.turns().at(-1)).toMatchObject({ topic: 'help.emergency', intent: 'emergency', escalated: true });
    const bodies = app.app.dryRun!.to(from).map((m) => m.body ?? '');
    expect(bodies[0]).toContain(first(ui('en').emergency.intro));
    expect(bodies.join('\n')).toContain(first(ui('en').welcome.notice));
    expect(bodies.join('\n')).not.toContain(first(ui('en').welcome.first));
  });
});
