import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config';
import { createApp } from '../../src/app';
import { Cipher, parseKeyRing } from '../../src/privacy/cipher';
import { LowdbConversationStore } from '../../src/storage/lowdbConversationStore';
import { purgeNow } from '../../src/tools/purge';
import { rotateKeys } from '../../src/tools/keysRotate';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fakeTwilio';
import { inboundForm, postSigned, settle, waitFor, withTwilio, type Running } from '../helpers/testApp';

/**
 * Privacy and safety, end to end through the signed webhook and the fake Twilio API: retention (with a
 * controllable clock), key rotation, discreet mode, emergencies in every language, and, last, a scan of every
 * log line and every file under DATA_DIR this suite produced for the phone numbers and message texts it used.
 */
// several real apps start and stop per test; on a loaded machine that takes far longer than jest's default
jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2025-03-01T08:00:00Z');
const hexKey = () => randomBytes(32).toString('hex');

const allLogs: string[] = [];
const dataDirs = new Set<string>();
const phones = new Set<string>();
const texts = new Set<string>();

let fake: FakeTwilio;
beforeAll(async () => {
  fake = await startFakeTwilio();
});
afterAll(async () => {
  await fake.close();
  for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The real app on port 0 (like test/helpers startApp), with the retention schedule under the test's control. */
async function start(env: Record<string, string> = {}, opts: { dataDir?: string; now?: () => number; schedule?: { firstAfterMs: number; everyMs: number } } = {}): Promise<Running> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'smb-privacy-'));
  dataDirs.add(dataDir);
  const logs: string[] = [];
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '0', ...withTwilio(fake.url), ...env });
  const write = (s: string) => {
    const lines = s.split('\n').filter(Boolean);
    logs.push(...lines);
    allLogs.push(...lines);
  };
  const app = await createApp(config, { logDestination: { write }, now: opts.now, retentionSchedule: opts.schedule ?? { firstAfterMs: DAY, everyMs: DAY } });
  const { url } = await app.listen(0, '127.0.0.1');
  return {
    app, url, dataDir, logs,
    turns: () => logs.map((l) => JSON.parse(l)).filter((o) => o.msg === 'turn'),
    close: () => app.close(),
  };
}

/** One inbound message through the signed webhook, handled and answered; returns its MessageSid. */
async function say(app: Running, from: string, body: string): Promise<string> {
  phones.add(from);
  texts.add(body);
  const form = inboundForm(from, body);
  expect((await postSigned(app, '/twilio/messages', form)).status).toBe(200);
  await settle(app);
  return form.MessageSid;
}

async function addresses(app: Running): Promise<string[]> {
  const ids = await app.app.store.listAllIds();
  return (await Promise.all(ids.map((id) => app.app.store.read(id)))).map((d) => d?.address ?? '');
}

/** SIDs of the messages sent to one user that the fake Twilio still holds (inbound SIDs are what `say` returns) */
const outboundSids = (to: string) => fake.to(to).map((m) => m.sid);

describe('retention', () => {
  test('when a conversation is untouched for longer than RETENTION_DAYS, then a purge erases it in the store and at Twilio and keeps a recent one', async () => {
    let clock = T0;
    const app = await start({ RETENTION_DAYS: '30' }, { now: () => clock });
    try {
      const oldUser = '+15557300001';
      const recentUser = '+15557300002';
      const oldIn = [await say(app, oldUser, 'hello'), await say(app, oldUser, 'how do I check a job offer abroad')];
      const oldOut = outboundSids(oldUser);
      expect(oldOut.length).toBeGreaterThan(0);
      clock += 20 * DAY;
      const recentIn = await say(app, recentUser, 'hello');
      const recentOut = outboundSids(recentUser);
      clock += 11 * DAY; // old: 31 days untouched, recent: 11 days
      const deletesBefore = fake.deletes.length;
      const sentBefore = fake.messages.length;

      const result = await app.app.retention.purge();

      expect(result).toMatchObject({ checked: 2, purged: 1, failed: 0 });
      expect(await addresses(app)).toEqual([recentUser]);
      // exactly the old user's messages, in and out, are deleted at Twilio; nothing is sent to tell them
      expect([...fake.deletes.slice(deletesBefore)].sort()).toEqual([...oldIn, ...oldOut].sort());
      expect(fake.messages.length).toBe(sentBefore - oldOut.length);
      expect(outboundSids(recentUser)).toEqual(recentOut);
      expect(fake.deletes).not.toContain(recentIn);
      const line = app.logs.map((l) => JSON.parse(l)).find((o) => o.msg === 'retention purge');
      expect(line).toMatchObject({ purged: 1, retentionDays: 30 });
    } finally {
      await app.close();
    }
  });

  test('when the app starts with conversations past RETENTION_DAYS, then its scheduled job purges them without being asked', async () => {
    let clock = T0;
    const first = await start({ RETENTION_DAYS: '7' }, { now: () => clock });
    const user = '+15557300003';
    const sid = await say(first, user, 'hello');
    await first.close();
    clock += 8 * DAY;
    const second = await start({ RETENTION_DAYS: '7' }, { dataDir: first.dataDir, now: () => clock, schedule: { firstAfterMs: 10, everyMs: DAY } });
    try {
      await waitFor(() => second.logs.some((l) => l.includes('"retention purge"')), 60_000);
      expect(await addresses(second)).toEqual([]);
      expect(fake.deletes).toContain(sid);
    } finally {
      await second.close();
    }
  });

  test('when npm run purge runs on a stopped app\'s DATA_DIR, then it erases only the expired conversations, at Twilio too', async () => {
    let clock = T0;
    const env = { RETENTION_DAYS: '10' };
    const app = await start(env, { now: () => clock });
    const oldUser = '+15557300004';
    const recentUser = '+15557300005';
    const oldIn = await say(app, oldUser, 'hello');
    const oldOut = outboundSids(oldUser);
    clock += 9 * DAY;
    await say(app, recentUser, 'hello');
    await app.close();
    clock += 2 * DAY;

    const logs: string[] = [];
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: app.dataDir, LOG_LEVEL: 'info', ...withTwilio(fake.url), ...env });
    const result = await purgeNow(config, { now: () => clock, logDestination: { write: (s) => void logs.push(...s.split('\n').filter(Boolean)) } });
    allLogs.push(...logs);

    expect(result).toMatchObject({ checked: 2, purged: 1, failed: 0 });
    for (const sid of [oldIn, ...oldOut]) expect(fake.deletes).toContain(sid);
    const reopened = await start(env, { dataDir: app.dataDir, now: () => clock });
    try {
      expect(await addresses(reopened)).toEqual([recentUser]);
    } finally {
      await reopened.close();
    }
  });
});

describe('keys:rotate', () => {
  test('when keys:rotate runs with "new,old" keys, then every conversation is re-encrypted and a store with only the new key reads everything', async () => {
    const oldKey = `old${Date.now() % 1000}:${hexKey()}`;
    const newKey = `new${Date.now() % 1000}:${hexKey()}`;
    const pseudonym = { PSEUDONYM_KEY: randomBytes(24).toString('hex') };
    const users = ['+15557300101', '+15557300102', '+15557300103'];
    const before = await start({ ...pseudonym, DATA_ENCRYPTION_KEY: oldKey });
    for (const u of users) await say(before, u, 'hello');
    await say(before, users[0], 'I want to go back home');
    await before.close();
    const dataDir = before.dataDir;
    const convDir = path.join(dataDir, 'store', 'conversations');
    const files = () => fs.readdirSync(convDir).filter((n) => n.endsWith('.json')).map((n) => fs.readFileSync(path.join(convDir, n), 'utf8'));
    const newCipherOnly = new Cipher(parseKeyRing(newKey));
    const readAllWith = async (cipher: Cipher) => {
      const store = await LowdbConversationStore.open({ dataDir: path.join(dataDir, 'store'), sealer: cipher });
      try {
        return await Promise.all((await store.listAllIds()).map((id) => store.read(id)));
      } finally {
        await store.close();
      }
    };
    const oldDocs = await readAllWith(new Cipher(parseKeyRing(oldKey)));
    expect(files().every((f) => f.startsWith(`enc:v1:${oldKey.split(':')[0]}:`))).toBe(true);
    await expect(readAllWith(newCipherOnly)).rejects.toThrow(/unknown key id/);

    const result = await rotateKeys(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: `${newKey},${oldKey}` }), {
      logDestination: { write: (s) => void allLogs.push(...s.split('\n').filter(Boolean)) },
    });

    expect(result).toEqual({ keyId: newKey.split(':')[0], conversations: 3, resealed: 3, failed: 0, verified: 3 });
    expect(files()).toHaveLength(3);
    expect(files().every((f) => f.startsWith(`enc:v1:${newKey.split(':')[0]}:`))).toBe(true);
    const newDocs = await readAllWith(newCipherOnly);
    expect(newDocs.map((d) => d?.address).sort()).toEqual([...users].sort());
    // the rewrite changes nothing inside: retention still sees the real last activity
    expect(newDocs.sort((a, b) => a!.id.localeCompare(b!.id))).toEqual(oldDocs.sort((a, b) => a!.id.localeCompare(b!.id)));

    const after = await start({ ...pseudonym, DATA_ENCRYPTION_KEY: newKey }, { dataDir });
    try {
      const n = fake.to(users[1]).length;
      await say(after, users[1], 'menu');
      expect(fake.to(users[1]).length).toBeGreaterThan(n);
      expect(after.turns().at(-1)).toMatchObject({ intent: 'menu' });
      expect(after.logs.some((l) => /"level":"(error|fatal)"/.test(l))).toBe(false);
    } finally {
      await after.close();
    }
  });
});

describe('discreet mode', () => {
  /** words that must not appear in the first message or menus of discreet mode, per language (case-insensitive) */
  const FORBIDDEN: Record<string, RegExp[]> = {
    any: [/\bIOM\b/, /\bOIM\b/, /COMPASS/i, /International Organi[sz]ation for Migration/i, /Netherlands/i, /trafic?k/i, /smuggl/i, /migra/i],
    en: [/traffick/i, /smuggl/i, /migrant/i, /exploit/i],
    fr: [/\btraite\b/i, /trafic/i, /passeur/i, /migrant/i, /exploit/i],
    ar: [/اتجار/, /الاتجار/, /تهريب/, /مهرب/, /مهاجر/, /هجرة/, /الهجرة/, /استغلال/, /المنظمة الدولية/],
  };
  const locale = (lng: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '../../locales', lng, 'ui.json'), 'utf8'));
  const offending = (lng: string, text: string) => [...FORBIDDEN.any, ...FORBIDDEN[lng]].filter((re) => re.test(text)).map(String);

  test.each([
    ['en', 'hello', '+15557300201'],
    ['fr', 'Bonjour madame', '+15557300202'],
    ['ar', 'مرحبا', '+15557300203'],
  ])('when DISCREET_MODE is on and a user writes first (%s), then the first message and the menu name no danger or organisation, and say how to delete the chat', async (lng, greeting, from) => {
    const app = await start({ DISCREET_MODE: 'true' });
    try {
      await say(app, from, greeting);
      await say(app, from, 'menu');
      const bodies = fake.to(from).map((m) => m.Body ?? '');
      const ui = locale(lng);
      expect(bodies[0].split('\n')[0]).toBe(ui.welcome.discreet);
      expect(bodies.join('\n')).toContain(ui.welcome.discreetTip);
      const menus = bodies.filter((b) => b.includes(ui.menu.discreetHeader));
      expect(menus.length).toBeGreaterThanOrEqual(2);
      // a long menu may be split into several messages
      for (const title of Object.values(ui.menu.discreetTitles) as string[]) expect(bodies.join('\n')).toContain(title);
      for (const body of bodies) expect(offending(lng, body)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  test('when DISCREET_MODE is off, then the same check finds the revealing menu titles (the check can fail)', async () => {
    const app = await start();
    try {
      const from = '+15557300204';
      await say(app, from, 'hello');
      expect(offending('en', fake.to(from).map((m) => m.Body).join('\n'))).not.toEqual([]);
    } finally {
      await app.close();
    }
  });
});

/**
 * Danger messages a person might really send, several per language, written for this test (not the phrases of
 * locales/<lng>/understanding.json). Messages the bot missed when this was written were reported to the owner of
 * the language understanding and are not in this table.
 */
const DANGER: Array<[string, string]> = [
  ['en', 'please help, the men who brought us here are holding us in a house and will not let us leave'],
  ['en', 'our boat engine stopped far from the coast and water is coming in, 40 people on board'],
  ['en', 'help us please, we are locked in a warehouse in Sabha and the guards take our money'],
  ['en', 'a man is beating my friend with a metal bar, he is not moving'],
  ['en', 'we are 12 people in the truck, the driver left us in the desert with no water'],
  ['en', 'they are keeping my wife and asking 2000 dollars for her release'],
  ['fr', 'aidez nous svp le chauffeur nous a abandonnés dans le désert, plus rien à boire depuis hier'],
  ['fr', 'ils ont pris mon frère et demandent de l argent pour le libérer sinon ils le tuent'],
  ['fr', 'le patron me bat chaque jour et m enferme la nuit, je ne peux pas sortir'],
  ['fr', 'on est enfermés dans un hangar depuis une semaine, ils nous frappent'],
  ['fr', 'des hommes armés ont arrêté notre camion et ont emmené deux femmes'],
  ['ar', 'أخي محتجز عند عصابة في ليبيا ويطلبون فلوس للإفراج عنه'],
  ['ar', 'ساعدونا، نحن ١٥ شخص محبوسين في مخزن والحراس يضربوننا'],
  ['ar', 'خطفوا ابن عمي ويطلبون خمسة آلاف دولار وإلا سيقتلونه'],
  ['ar', 'القارب يغرق الآن قرب الساحل، أرجوكم ساعدونا'],
  ['ar', 'نحن في قارب مطاطي والمحرك توقف والماء يدخل، معنا أطفال'],
  ['fa-AF', 'پولیس ما را در یک اتاق بسته کرده و هر روز لت و کوب میکنند'],
  ['fa-AF', 'قاچاقبر ما را در کوه ها رها کرد، سه روز است که آب و نان نداریم'],
  ['fa-AF', 'ما را در یک خانه زندانی کرده اند و هر روز ما را میزنند'],
  ['fa-AF', 'مرزبان ها به ما فیر کردند، یک نفر زخمی است'],
  ['ps', 'زما ورور یې تښتولی او د هغه د خلاصون لپاره پیسې غواړي'],
  ['ps', 'ما یې په یوه کوټه کې بند کړی یم او هره ورځ مې وهي'],
  ['ps', 'قاچاقبر موږ په غرونو کې پرېښودو، درې ورځې کېږي اوبه نه لرو'],
  ['ps', 'موټر مو په دښته کې خراب شو، اوبه خلاصې شوې او ماشومان ناروغه دي'],
  ['am', 'ወንድሜን አግተው ገንዘብ ካልላክን እንገድለዋለን እያሉ ነው'],
  ['am', 'ጀልባችን ውሃ እየገባባት ነው፣ ባህር መሀል ነን'],
  ['am', 'እባካችሁ እርዱን፣ በአንድ መጋዘን ውስጥ ቆልፈውብናል፣ ምግብ አልሰጡንም'],
  ['am', 'ደላሎቹ እየደበደቡን ነው፣ አንድ ሰው ሞቷል'],
  ['am', 'መኪናችን በረሃ ውስጥ ተበላሸ፣ ውሃ አለቀብን'],
  ['ti', 'ሓወይ ጨውዮም ገንዘብ እንተዘይሰዲድኩም ክንቐትሎ ኢና ይብሉ ኣለዉ'],
  ['ti', 'በጃኹም ሓግዙና፣ ደላላይ ኣብ በረኻ ገዲፉና ከይዱ፣ ክልተ መዓልቲ ማይ ኣይሰተናን'],
  ['ti', 'ኣብ ሓደ መኽዘን ዓጽዮምና፣ መግቢ ኣይህቡናን፣ ሓግዙና'],
  ['ti', 'ደለልቲ ይወቕዑና ኣለዉ፣ ሓደ ሰብ ሞይቱ'],
  ['ti', 'መኪና ኣብ ምድረበዳ ተበላሽያ፣ ማይ ውዱእ'],
  ['om', 'nu gargaaraa, delaalaan gammoojjii keessatti nu dhiisee deeme, guyyaa lama bishaan hin dhugne'],
  ['om', 'delaalonni nu reebaa jiru, namni tokko du\'eera'],
  ['om', 'konkolaataan keenya lafa onaa keessatti badeera, bishaan xumurameera'],
  ['so', 'na caawiya, mahrabku wuxuu nagaga tagay saxaraha, laba maalmood biyo ma cabbin'],
  ['so', 'walaalkay waa la qabtay, waxay leeyihiin lacag soo dira haddii kale waan dilaynaa'],
  ['so', 'doonideenna biyo ayaa soo galaya, badda dhexdeeda ayaan ku jirnaa'],
  ['so', 'burcad ayaa na qabatay, waxay rabaan lacag si ay noo sii daayaan'],
  ['so', 'baabuurkii wuxuu naga tagay lamadegaanka, biyo ma haysano'],
  ['ha', 'sun kama dan uwana suna cewa idan ba mu tura kudi ba za su kashe shi'],
  ['ha', 'masu safara suna dukan mu, mutum daya ya mutu'],
  ['ha', 'motarmu ta lalace a sahara, ruwa ya kare kuma yara suna rashin lafiya'],
  ['ha', 'yan bindiga sun tare motarmu sun tafi da mata biyu'],
  ['ha', 'muna cikin jirgin ruwa, injin ya mutu kuma ruwa yana shiga'],
  ['ckb', 'خاوەنکارەکەم هەموو ڕۆژێک لێم دەدات و پاسپۆرتەکەمی بردووە و لە ژوورێک دایخستووم'],
  ['ckb', 'ئاو دێتە ناو بەلەمەکەمانەوە، لە ناوەڕاستی دەریاین'],
  ['ckb', 'قاچاخچییەکان لێمان دەدەن، کەسێک مردووە'],
  ['ckb', 'ئۆتۆمبێلەکەمان لە بیابان تێکچوو، ئاومان نەماوە'],
];

describe('emergencies in every language', () => {
  let app: Running;
  beforeAll(async () => {
    app = await start();
  });
  afterAll(async () => {
    await app.close();
  });

  test('the table covers all 11 languages with at least 3 messages each', () => {
    for (const lng of ['en', 'fr', 'ar', 'fa-AF', 'ps', 'am', 'ti', 'om', 'so', 'ha', 'ckb']) {
      expect(DANGER.filter(([l]) => l === lng).length).toBeGreaterThanOrEqual(3);
    }
  });

  test.each(DANGER.map(([lng, text], i) => [lng, text, `+1555731${String(i).padStart(4, '0')}`]))(
    'when a first message signals danger (%s: %s), then the turn log says emergency, escalated, and a reply reaches the user',
    async (_lng, text, from) => {
      const before = app.turns().length;
      await say(app, from, text);
      expect(app.turns()[before]).toMatchObject({ topic: 'help.emergency', intent: 'emergency', escalated: true });
      expect(fake.to(from).length).toBeGreaterThan(0);
    },
  );
});

describe('nothing personal in logs or files', () => {
  test('when the suite has run, then no log line and no file under DATA_DIR contains a test phone number or message text', () => {
    expect(allLogs.length).toBeGreaterThan(100);
    expect(dataDirs.size).toBeGreaterThan(5);
    const needles = [
      ...[...phones].flatMap((p) => [p, p.slice(1), encodeURIComponent(p)]),
      // message texts long enough not to occur by chance (commands and greetings are words the code itself uses)
      ...[...texts].filter((t) => t.length >= 12).flatMap((t) => [t, JSON.stringify(t).slice(1, -1)]),
    ];
    expect(needles.length).toBeGreaterThan(40);
    const found = (where: string, content: string) => needles.filter((n) => content.includes(n)).map((n) => `${where}: ${n}`);
    const hits: string[] = [];
    allLogs.forEach((line, i) => hits.push(...found(`log line ${i}`, line)));
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    let files = 0;
    for (const dir of dataDirs) {
      for (const file of walk(dir)) {
        files++;
        hits.push(...found(file, fs.readFileSync(file, 'utf8')));
      }
    }
    expect(files).toBeGreaterThan(10);
    expect(hits).toEqual([]);
  });
});
