import { inboundForm, postSigned, settle, startApp, waitFor, type Running } from '../helpers/testApp';

/**
 * Long messages are cheap: twenty messages of 4,096 characters at once do not delay the health check or another
 * user's answer beyond a second, and a danger cue at the very end of a long message is still seen.
 */
const filler: Record<string, string> = {
  en: 'I want to tell you my story from the beginning because it is long and I do not know who else to ask about the journey and the papers. ',
  ar: 'اريد ان احكي لكم قصتي من البداية لانها طويلة ولا اعرف من اسأل عن الطريق والاوراق والعمل في الخارج. ',
  am: 'ታሪኬን ከመጀመሪያው መንገር እፈልጋለሁ ምክንያቱም ረጅም ነው እና ስለ ጉዞው እና ስለ ወረቀቶቹ ማንን እንደምጠይቅ አላውቅም። ',
};
const long = (lng: string, tail = '') => {
  let s = '';
  while (s.length + filler[lng].length + tail.length <= 4096) s += filler[lng];
  return (s + tail).slice(0, 4096);
};

describe('long messages', () => {
  let app: Running;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  test('when 20 messages of 4,096 characters arrive at once, then /healthz and an ordinary message are answered within 1 s meanwhile', async () => {
    const langs = Object.keys(filler);
    const floods = Array.from({ length: 20 }, (_, i) => postSigned(app, '/twilio/messages', inboundForm(`+1555900${String(i).padStart(4, '0')}`, long(langs[i % langs.length]))));
    const t0 = Date.now();
    const health = await fetch(`${app.url}/healthz`);
    const healthMs = Date.now() - t0;
    expect(health.status).toBe(200);
    const ordinary = '+15559009999';
    const t1 = Date.now();
    expect((await postSigned(app, '/twilio/messages', inboundForm(ordinary, 'how can i go back home to my country'))).status).toBe(200);
    await waitFor(() => app.app.dryRun!.to(ordinary).length > 0, 5000);
    const answerMs = Date.now() - t1;
    for (const r of await Promise.all(floods)) expect(r.status).toBe(200);
    await settle(app);
    console.log(`healthz ${healthMs} ms, ordinary answer ${answerMs} ms`);
    expect(healthMs).toBeLessThan(1000);
    expect(answerMs).toBeLessThan(1000);
    for (let i = 0; i < 20; i++) expect(app.app.dryRun!.to(`+1555900${String(i).padStart(4, '0')}`).length).toBeGreaterThan(0);
  });

  test.each([
    ['en', ' they locked us in the room and took our phones'],
    ['ar', ' قفلوا علينا الباب واخذوا تلفوناتنا'],
  ])('when a %s message of 4,096 characters ends with a danger cue, then it is an emergency', async (lng, tail) => {
    const from = `+155591000${lng.length}${tail.length}`;
    const before = app.turns().length;
    await postSigned(app, '/twilio/messages', inboundForm(from, long(lng, tail)));
    await settle(app);
    expect(app.turns()[before]).toMatchObject({ intent: 'emergency', escalated: true });
  });
});
