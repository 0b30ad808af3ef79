import fs from 'node:fs';
import path from 'node:path';
import { inboundForm, postSigned, settle, startApp, type Running } from '../helpers/testApp';
import { LANGUAGES } from '../../src/knowledge/topics';
import { normalize } from '../../src/knowledge/normalize';

/**
 * Every word the bot tells a user to send works: the words are taken from the texts themselves (UPPERCASE in
 * Latin script, «quoted» or "quoted" in other scripts), per language, and each is sent through the signed webhook.
 */
const root = path.join(__dirname, '..', '..');
const read = (lng: string, file: string) => JSON.parse(fs.readFileSync(path.join(root, 'locales', lng, file), 'utf8'));
/** names of organisations and programmes written in capitals: not commands */
const NOT_COMMANDS = new Set(['IOM', 'OIM', 'UNHCR', 'HCR', 'ILO', 'OIT', 'COMPASS', 'IRIS', 'VHR', 'IOM VHR', 'ID', 'OK', 'SMS', 'WHATSAPP']);

function strings(x: unknown, out: string[] = []): string[] {
  if (typeof x === 'string') out.push(x);
  else if (x && typeof x === 'object') for (const v of Object.values(x)) strings(v, out);
  return out;
}

export function toldWords(lng: string): string[] {
  const texts = [...strings(read(lng, 'ui.json')), ...strings(read(lng, 'topics.json'))].map((t) => t.replace(/{{[^}]*}}/g, ' ').replace(/https?:\/\/\S+/g, ' '));
  const found = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/[«"“„]([^»"”“\n]{1,30})[»"”“]/g)) found.add(m[1].trim());
    for (const m of t.matchAll(/(?<![\p{L}\d])\p{Lu}[\p{Lu}'’]*(?:[ -]\p{Lu}[\p{Lu}'’]*)*(?![\p{L}\d])/gu)) if (/\p{Lu}{2}/u.test(m[0])) found.add(m[0]);
  }
  return [...found].filter((w) => w && !NOT_COMMANDS.has(w));
}

const cases = LANGUAGES.flatMap((lng) => toldWords(lng).map((w) => [lng, w] as const));

describe('every command word the texts tell users to send', () => {
  let app: Running;
  let n = 0;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  const send = async (from: string, body: string) => {
    const before = app.turns().length;
    await postSigned(app, '/twilio/messages', inboundForm(from, body));
    await settle(app);
    return app.turns()[before];
  };

  test('each language tells its users some command words', () => {
    for (const lng of LANGUAGES) expect(toldWords(lng).length).toBeGreaterThanOrEqual(6);
  });

  test.each(cases)('when a %s user sends %j, then it is a command of that language and the bot understands it', async (lng, word) => {
    const commands = read(lng, 'understanding.json').commands as Record<string, string[]>;
    const named = Object.entries(commands).find(([, words]) => words.some((w) => normalize(w) === normalize(word)))?.[0];
    expect(named).toBeDefined();
    const from = `+1555800${String(++n).padStart(4, '0')}`;
    // YES and NO answer a question: ask one first (erase, which they then confirm or cancel)
    if (named === 'yes' || named === 'no') await send(from, commands.delete[0]);
    const turn = await send(from, word);
    expect(turn).toBeDefined();
    expect(turn.intent).not.toBe('fallback');
    if (named === 'emergency') expect(turn).toMatchObject({ intent: 'emergency', escalated: true });
    if (named === 'about') expect(turn).toMatchObject({ topic: 'about.service' });
    if (named === 'counsellor') expect(turn).toMatchObject({ intent: 'handoff', escalated: true });
  });
});
