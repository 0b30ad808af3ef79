import { normalize } from './normalize';
import type { Language } from './topics';

export type FrancFn = (text: string, opts: { only: string[]; minLength?: number }) => string;

export interface Detection {
  language: Language;
  /** false for one- or two-word messages and close calls: keep the saved language then */
  confident: boolean;
}

const ETHIOPIC = /[\u1200-\u137F]/g;
const ARABIC = /[\u0600-\u06FF]/g;
const LATIN = /[a-zA-Z\u00C0-\u024F]/g;
const CKB_LETTERS = /[ڕڵۆێەڤھ]/g;
const PS_LETTERS = /[ټډړښږځڅېۍګڼ]/g;
const FA_LETTERS = /[پچژگ]/g;
const AR_ONLY = /[ةى]|(^|\s)ال/g;
const ARABIZI = /\b[a-z]*[2379][a-z]+|\b[a-z]+[2379][a-z]*\b/i;
/** languages written in Latin letters by our users; the others also appear romanized (Pashto, Dari, Amharic ...) */
const LATIN_LANGUAGES: Language[] = ['en', 'fr', 'om', 'so', 'ha'];
const FRANC_CODES: Partial<Record<Language, string>> = { en: 'eng', fr: 'fra', ha: 'hau', so: 'som', ar: 'arb', 'fa-AF': 'prs', ps: 'pbu' };

/**
 * Language of a message: script first (Ethiopic, Arabic script, Latin), then letters particular to each
 * Arabic-script language, then the vocabulary the locales contain, with franc (restricted to our languages) as a
 * vote where it knows the language. One- or two-word messages are not trusted.
 */
export class LanguageDetector {
  private readonly vocab = new Map<string, Map<Language, number>>();
  /** character-trigram profiles (relative frequencies) of each language's own locale texts */
  private readonly profiles = new Map<Language, Map<string, number>>();
  /** the same, from the texts in Latin letters only: how a language looks romanized */
  private readonly latinProfiles = new Map<Language, Map<string, number>>();
  /** languages other than LATIN_LANGUAGES with enough romanized text in their locale to be told apart */
  private readonly romanized: Language[] = [];

  private readonly greetings = new Map<Language, Set<string>>();

  /** `greetings`: each language's hello-type messages, which tell a one-word first message apart */
  constructor(texts: Partial<Record<Language, string[]>>, private readonly franc?: FrancFn, greetings: Partial<Record<Language, string[]>> = {}) {
    for (const [lang, list] of Object.entries(greetings) as Array<[Language, string[]]>) this.greetings.set(lang, new Set(list.map(normalize)));
    for (const [lang, list] of Object.entries(texts) as Array<[Language, string[]]>) {
      const seen = new Set<string>();
      for (const t of list) for (const w of normalize(t).split(' ')) if (w.length > 1 && !/^\d+$/.test(w)) seen.add(w);
      this.profiles.set(lang, profile(list));
      const latin = list.filter(isLatin);
      this.latinProfiles.set(lang, profile(latin));
      if (!LATIN_LANGUAGES.includes(lang) && latin.length >= MIN_ROMANIZED_TEXTS) this.romanized.push(lang);
      for (const w of seen) {
        const m = this.vocab.get(w) ?? new Map<Language, number>();
        m.set(lang, 1);
        this.vocab.set(w, m);
      }
    }
  }

  private vocabScores(text: string, candidates: Language[]): Map<Language, number> {
    const scores = new Map<Language, number>(candidates.map((c) => [c, 0]));
    for (const w of normalize(text).split(' ')) {
      const m = this.vocab.get(w);
      if (!m) continue;
      const langs = [...m.keys()].filter((l) => candidates.includes(l));
      for (const l of langs) scores.set(l, (scores.get(l) ?? 0) + 1 / langs.length);
    }
    return scores;
  }

  /** A long message is judged on its first and last 600 characters: enough to know its language, at a bounded cost. */
  detect(full: string): Detection | undefined {
    const text = full.length > 1200 ? `${full.slice(0, 600)} ${full.slice(-600)}` : full;
    const count = (re: RegExp) => (text.match(re) ?? []).length;
    const eth = count(ETHIOPIC);
    const arb = count(ARABIC);
    const lat = count(LATIN);
    const nWords = normalize(text).split(' ').filter((w) => w.length > 1).length;
    if (eth + arb + lat === 0) return undefined;
    let candidates: Language[];
    let fromLetters: Language | undefined;
    let latinScript = false;
    if (eth >= arb && eth >= lat) candidates = ['am', 'ti'];
    else if (arb >= lat) {
      candidates = ['ar', 'fa-AF', 'ps', 'ckb'];
      const ckb = count(CKB_LETTERS);
      const ps = count(PS_LETTERS);
      const fa = count(FA_LETTERS);
      const ar = count(AR_ONLY);
      if (ckb > 0 && ckb >= ps) fromLetters = 'ckb';
      else if (ps > 0) fromLetters = 'ps';
      else if (fa > 0 && ar === 0) fromLetters = 'fa-AF';
      else if (ar > 0 && fa === 0) fromLetters = 'ar';
    } else {
      // Arabizi (digits for letters) is a strong hint, not proof: "2aad" is a Somali ordinal, "3afak" inside French
      if (ARABIZI.test(text)) {
        if (nWords <= 2) return { language: 'ar', confident: false };
        fromLetters = 'ar';
      }
      // romanized Pashto, Dari, Amharic ... compete only on longer messages, against what each looks like in Latin letters
      candidates = nWords > 2 ? [...LATIN_LANGUAGES, ...this.romanized] : [...LATIN_LANGUAGES];
      if (fromLetters && !candidates.includes(fromLetters)) candidates.push(fromLetters);
      latinScript = true;
    }
    const scores = this.vocabScores(text, candidates);
    if (nWords <= 2 && !fromLetters) {
      // a greeting or a word or two: only a word that belongs to one language alone decides; else the script's
      // most common language among our users (Arabic, Amharic, English) until the user says more
      const greeted = candidates.filter((c) => this.greetings.get(c)?.has(normalize(text)));
      if (greeted.length) return { language: greeted.includes(candidates[0]) ? candidates[0] : greeted[0], confident: false };
      const unique = [...scores.entries()].filter(([, v]) => v >= 1);
      return { language: unique.length === 1 ? unique[0][0] : candidates[0], confident: false };
    }
    const grams = trigrams(text);
    if (grams.length) {
      const sims = candidates.map((c) => {
        const prof = (latinScript ? this.latinProfiles : this.profiles).get(c);
        if (!prof) return 0;
        let sum = 0;
        for (const g of grams) sum += Math.log(1 + 2000 * (prof.get(g) ?? 0));
        return sum / grams.length;
      });
      const max = Math.max(...sims);
      candidates.forEach((c, i) => scores.set(c, (scores.get(c) ?? 0) + (max > 0 ? (3 * sims[i]) / max - 2 : 0)));
    }
    if (fromLetters) scores.set(fromLetters, (scores.get(fromLetters) ?? 0) + 1.5);
    if (this.franc && nWords >= 3) {
      const only = candidates.map((c) => FRANC_CODES[c]).filter((x): x is string => !!x);
      if (only.length > 1) {
        const code = this.franc(text, { only, minLength: 3 });
        const lang = (Object.entries(FRANC_CODES) as Array<[Language, string]>).find(([, c]) => c === code)?.[0];
        if (lang && candidates.includes(lang)) scores.set(lang, (scores.get(lang) ?? 0) + 0.75);
      }
    }
    const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
    const [best, second] = ranked;
    const language = best[1] > 0 ? best[0] : candidates[0];
    const confident = nWords > 2 && best[1] > 0 && best[1] - (second?.[1] ?? 0) >= 0.5;
    return { language, confident: confident || (candidates.length === 2 && nWords > 2 && best[1] > (second?.[1] ?? 0)) };
  }
}

/** a romanized language needs at least this many Latin-letter texts in its locale to be a candidate */
const MIN_ROMANIZED_TEXTS = 15;

function isLatin(text: string): boolean {
  const lat = (text.match(LATIN) ?? []).length;
  return lat > 0 && lat >= (text.match(ARABIC) ?? []).length + (text.match(ETHIOPIC) ?? []).length;
}

/** relative frequencies of the character trigrams of the texts */
function profile(texts: string[]): Map<string, number> {
  const grams = new Map<string, number>();
  let total = 0;
  for (const t of texts) for (const g of trigrams(t)) {
    grams.set(g, (grams.get(g) ?? 0) + 1);
    total++;
  }
  for (const [g, c] of grams) grams.set(g, c / Math.max(1, total));
  return grams;
}

function trigrams(text: string): string[] {
  const out: string[] = [];
  for (const w of normalize(text).split(' ')) {
    if (!w || /^\d+$/.test(w)) continue;
    const p = ` ${w} `;
    for (let i = 0; i + 3 <= p.length; i++) out.push(p.slice(i, i + 3));
  }
  return out;
}
