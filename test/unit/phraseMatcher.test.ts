import { PhraseMatcher } from '../../src/knowledge/phraseMatcher';

describe('PhraseMatcher', () => {
  const m = new PhraseMatcher<string>();
  for (const [phrase, value] of [
    ['gun', 'gun'], ['help me', 'help-me'], ['they took my passport', 'passport'], ['me', 'me'],
    ['خطف', 'kidnap-ar'], ['ኣድሕኑ', 'save-ti'], ['au secours', 'secours'],
  ] as const) m.add(phrase, value);

  test.each([
    ['he has a gun', ['gun']],
    ['it has begun', []],
    ['please HELP ME now', ['help-me', 'me']],
    ['help, me!', ['help-me', 'me']],
    ['they took my passport and help me', ['help-me', 'passport', 'me']],
    ['Au secours!!', ['secours']],
    ['اخي انخطف في ليبيا', ['kidnap-ar']], // inside a word: Arabic prefixes and suffixes
    ['وخطف', ['kidnap-ar']],
    ['ኣድሕኑና ኣብ ባሕሪ', ['save-ti']],
    ['', []],
  ])('find(%j) -> %j, in the order the phrases were added', (text, expected) => {
    expect(m.find(text)).toEqual(expected);
  });

  test('exact() matches only the whole message', () => {
    expect(m.exact(' Help   me ')).toBe('help-me');
    expect(m.exact('help me now')).toBeUndefined();
  });
});
