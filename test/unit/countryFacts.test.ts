import fs from 'node:fs';
import path from 'node:path';
import { COUNTRY_TABLE, countryOfSender } from '../../src/knowledge/countryTable';
import { LANGUAGES } from '../../src/knowledge/topics';

/**
 * The numbers users see come from the researched facts in ../shared/facts/: the project keeps a copy (plus the
 * `kind` that names each service in locales/), and this test keeps the copy equal to the facts.
 */
const root = path.join(__dirname, '..', '..');
const factsDir = process.env.FACTS_DIR ?? path.join(root, '..', 'shared', 'facts');
const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const project = {
  'countries.json': read(path.join(root, 'src', 'knowledge', 'countries.json')),
  'transit-countries.json': read(path.join(root, 'src', 'knowledge', 'transit-countries.json')),
};

function withoutOwnFields(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutOwnFields);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([k]) => k !== 'kind' && k !== '_about').map(([k, v]) => [k, withoutOwnFields(v)]));
  return x;
}

interface Entry { number: string | null; verified: boolean; kind?: string }
interface Country { iso2: string; emergency: Entry[]; hotlines: Entry[] }
const countries = (): Country[] => [...project['countries.json'].countries, ...project['transit-countries.json'].countries];

describe('country facts', () => {
  test.each(Object.keys(project))('when %s is compared with shared/facts, then it holds the same facts (only `kind` added)', (file) => {
    const shared = path.join(factsDir, file);
    if (!fs.existsSync(shared)) {
      // a clone without the research folder beside it (set FACTS_DIR to compare): the copy must at least be whole
      console.warn(`countryFacts: ${shared} not found; checking the project's copy only`);
      for (const c of project[file as keyof typeof project].countries as Country[]) expect(c).toMatchObject({ iso2: expect.stringMatching(/^[A-Z]{2}$/), emergency: expect.any(Array), hotlines: expect.any(Array) });
      return;
    }
    const facts = read(shared);
    const mine = withoutOwnFields(project[file as keyof typeof project]) as { countries: unknown[] };
    expect(mine.countries).toEqual(Array.isArray(facts) ? facts : withoutOwnFields(facts.countries));
  });

  test('when an entry is verified and has a number, then it names its service with a label in every language', () => {
    for (const c of countries()) for (const e of [...c.emergency, ...c.hotlines]) {
      if (!e.verified || !e.number) continue;
      expect(e.kind).toBeDefined();
      for (const lng of LANGUAGES) expect(read(path.join(root, 'locales', lng, 'ui.json')).service[e.kind!]).toBeTruthy();
    }
  });

  test('when the facts list a country, then the country table has it with its calling code', () => {
    const codes = COUNTRY_TABLE.map((c) => c.code as string);
    for (const c of countries()) expect(codes).toContain(c.iso2);
    for (const c of project['transit-countries.json'].countries) expect(`+${COUNTRY_TABLE.find((t) => t.code === c.iso2)!.callingCode}`).toBe(c.callingCode);
  });

  test.each([
    ['+234', undefined, 'NG'], ['+251', undefined, 'ET'], ['+218', undefined, 'LY'], ['+905', undefined, 'TR'], ['+393', undefined, 'IT'],
    ['+966', undefined, 'SA'], ['+212', undefined, 'MA'], ['+216', undefined, 'TN'], ['+155', undefined, undefined], ['+155', 'ng', 'NG'], ['+234', 'US', 'NG'],
  ])('when the number starts %s and FromCountry is %s, then the country is %s', (prefix, from, want) => {
    expect(countryOfSender(from, prefix)).toBe(want);
  });
});
