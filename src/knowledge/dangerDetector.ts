import { normalize } from './normalize';
import { DANGER_CATEGORIES, type DangerCategory, type DangerLexicon } from './contentSchema';

/**
 * Recognises a person in danger now from what they describe, in any wording, with recall first and an
 * explanation of what fired. Each language's lexicon (`locales/<lng>/danger.json`) lists cues by category; a
 * message is an emergency when, within one language's cues:
 *
 * - an explicit cry fires (`sos`: "help me now", "save us", 🆘), unless it is only a question about the word; or
 * - a danger cue that is grave on its own (confinement, violence, threats, sexual violence, kidnapping, stranded
 *   in the desert or at sea, a medical crisis, self-harm, a child alone) is stated, or asked about with a person
 *   near it (I, we, my sister, or a verb that carries the person) or a sign that it is happening now; or
 * - a cue that is grave only with another (detention, deprivation, being out in the desert or at sea) meets a
 *   second danger cue or a duration/now.
 *
 * A person counts when it is within a few words of the danger cue ("they locked my sister in", not "I want to
 * know what happens to people who are beaten").
 *
 * and it is not only a question about others, an event that is over, or a hypothesis. `safe` phrases ("they
 * do not beat us", "help me find") and `over` phrases ("now I am home") are taken out of the text first, so a
 * danger word inside them cannot fire.
 *
 * Matching is stemming by data: a term word ending in `*` matches any word it starts; in Arabic and Ethiopic
 * script, where prefixes and suffixes are joined to the word, a term word of 3 or more letters also matches
 * inside a word; Ethiopic is compared on consonants (each syllable folded to its series), so a verb's vowel
 * changes across persons and tenses do not matter. Words of a danger or sos term occur in order with at most 2
 * words between ("they locked us in"); the set phrases of the other lists occur as written.
 * A term starting with `@` carries its person ("حبسوني", they locked me in).
 */

/** grave on their own */
const ALONE: ReadonlySet<DangerCategory> = new Set(['confine', 'violence', 'threat', 'sexual', 'kidnap', 'stranded', 'medical', 'selfharm', 'child']);
/** grave only with another danger cue, or with now / a duration */
const PAIRED: ReadonlySet<DangerCategory> = new Set(['detain', 'deprive', 'exposed']);
/** words a danger or sos term may skip between its own words; set phrases (safe, over, person ...) skip none */
const MAX_GAP = 2;
/** a person cue counts for a danger cue this many words away or nearer */
const PERSON_REACH = 5;
/** a `now` cue counts for a danger cue this many words away or nearer, in the same sentence */
const NOW_REACH = 8;

type Flag = 'person' | 'now' | 'question' | 'over' | 'hypothetical' | 'safe' | 'sos';
type Category = DangerCategory | Flag;

const GAPPED: ReadonlySet<Category> = new Set<Category>([...ALONE, ...PAIRED, 'sos']);

export interface Cue {
  category: Category;
  term: string;
}

export interface DangerVerdict {
  emergency: boolean;
  /** the language whose cues fired, and the rule: `sos`, `alone`, `paired` */
  language?: string;
  rule?: 'sos' | 'alone' | 'paired';
  cues: Cue[];
}

interface TermWord {
  text: string;
  prefix: boolean;
  /** may match inside a word (Arabic or Ethiopic script, 3 letters or more) */
  loose: boolean;
  ethiopic: boolean;
}

interface Term {
  category: Category;
  source: string;
  personal: boolean;
  words: TermWord[];
  /** an emoji or symbol term, matched on the raw text */
  raw?: string;
}

interface Hit {
  term: Term;
  from: number;
  to: number;
}

interface MessageWord {
  text: string;
  skeleton?: string;
  /** which sentence of the message the word is in */
  sentence: number;
  /** the index keys it looks up (the same for every language) */
  keys: string[];
}

const ETHIOPIC = /[\u1200-\u137F]/;
const JOINED_SCRIPT = /[\u0600-\u06FF\u1200-\u137F]/;

/** Ethiopic syllables folded to the first order of their series: ቆለፉ and ቆልፈው both become ቀለፈ... */
export function ethiopicSkeleton(word: string): string {
  let out = '';
  for (const ch of word) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0x1200 && cp <= 0x135a ? String.fromCodePoint(0x1200 + Math.floor((cp - 0x1200) / 8) * 8) : ch;
  }
  return out;
}

function compileWord(w: string): TermWord {
  const prefix = w.endsWith('*');
  const text = prefix ? w.slice(0, -1) : w;
  const ethiopic = ETHIOPIC.test(text);
  const core = ethiopic ? ethiopicSkeleton(text) : text;
  return { text: ethiopic ? core : text, prefix, ethiopic, loose: JOINED_SCRIPT.test(text) && [...core].length >= 3 };
}

function compileTerm(category: Category, source: string): Term | undefined {
  const personal = source.startsWith('@');
  const body = personal ? source.slice(1) : source;
  // keep `*` through normalisation (it strips punctuation)
  const words = body.split(/\s+/).filter(Boolean).map((w) => {
    const star = w.endsWith('*');
    const n = normalize(star ? w.slice(0, -1) : w);
    return n ? (star ? `${n}*` : n) : '';
  }).filter(Boolean).flatMap((w) => w.split(' ').map((part, i, all) => (i < all.length - 1 ? part.replace(/\*$/, '') : part)));
  if (!words.length) {
    const raw = body.trim();
    return raw ? { category, source, personal, words: [], raw } : undefined;
  }
  return { category, source, personal, words: words.map(compileWord) };
}

function wordMatches(t: TermWord, m: MessageWord): boolean {
  const text = t.ethiopic ? (m.skeleton ?? m.text) : m.text;
  if (t.loose) return text.includes(t.text);
  if (t.prefix) return text.startsWith(t.text);
  return t.ethiopic ? ethiopicSkeleton(m.text) === t.text && m.text.length === t.text.length : text === t.text;
}

/**
 * A term is indexed by the first three letters of its first word (fewer when the word is shorter). A message
 * word looks up its first one, two and three letters (whole-word and prefix terms), and in Arabic script and
 * Ethiopic also every three letters inside it (terms that match inside a word have at least three letters).
 */
const KEY_LETTERS = 3;
const key = (s: string) => [...s].slice(0, KEY_LETTERS).join('');

function candidateKeys(text: string, skeleton: string | undefined): string[] {
  const keys = new Set<string>();
  for (const form of skeleton ? [text, skeleton] : [text]) {
    const letters = [...form];
    for (let n = 1; n <= KEY_LETTERS && n <= letters.length; n++) keys.add(letters.slice(0, n).join(''));
  }
  if (JOINED_SCRIPT.test(text)) {
    const letters = [...(skeleton ?? text)];
    for (let j = 1; j + KEY_LETTERS <= letters.length; j++) keys.add(letters.slice(j, j + KEY_LETTERS).join(''));
  }
  return [...keys];
}

class LanguageCues {
  private readonly byKey = new Map<string, Term[]>();
  private readonly raw: Term[] = [];

  constructor(readonly language: string, lexicon: DangerLexicon) {
    const add = (category: Category, list: string[] | undefined) => {
      for (const s of list ?? []) {
        const t = compileTerm(category, s);
        if (!t) continue;
        if (t.raw) {
          this.raw.push(t);
          continue;
        }
        const k = key(t.words[0].text);
        const list = this.byKey.get(k);
        if (list) list.push(t);
        else this.byKey.set(k, [t]);
      }
    };
    add('sos', lexicon.sos);
    for (const c of DANGER_CATEGORIES) add(c, lexicon.danger[c]);
    for (const f of ['person', 'now', 'question', 'over', 'hypothetical', 'safe'] as const) add(f, lexicon[f]);
  }

  /** every term found, with the word positions it covers */
  find(raw: string, words: MessageWord[]): Hit[] {
    const hits: Hit[] = [];
    for (const t of this.raw) if (raw.includes(t.raw!)) hits.push({ term: t, from: -1, to: -1 });
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      for (const k of w.keys) {
        for (const t of this.byKey.get(k) ?? []) {
          if (!wordMatches(t.words[0], w)) continue;
          const end = this.rest(t, words, i);
          if (end < 0) continue;
          // every occurrence: a person word near a danger cue counts even if it came earlier too
          hits.push({ term: t, from: i, to: end });
        }
      }
    }
    return hits;
  }

  /** the last word index of the term's remaining words after position i, or -1 */
  private rest(t: Term, words: MessageWord[], i: number): number {
    let at = i;
    for (let k = 1; k < t.words.length; k++) {
      let found = -1;
      const gap = GAPPED.has(t.category) ? MAX_GAP : 0;
      for (let j = at + 1; j <= at + 1 + gap && j < words.length; j++) if (wordMatches(t.words[k], words[j])) {
        found = j;
        break;
      }
      if (found < 0) return -1;
      at = found;
    }
    return at;
  }

  /**
   * Judged sentence by sentence where it matters: a danger cue is set aside when its sentence is a question with
   * no person near the cue (a question about others), or tells of something over, or a hypothesis asked about,
   * unless that sentence also says it is happening now. What is left decides.
   */
  judge(raw: string, words: MessageWord[], asked: boolean[]): DangerVerdict {
    const hits = this.find(raw, words);
    // `safe` and `over` phrases take their words out of play first
    const consumed = new Set<number>();
    const overIn = new Set<number>();
    for (const h of hits) if (h.term.category === 'safe' || h.term.category === 'over') {
      for (let i = h.from; i <= h.to; i++) consumed.add(i);
      if (h.term.category === 'over') overIn.add(words[h.from].sentence);
    }
    const live = hits.filter((h) => h.term.category !== 'safe' && h.term.category !== 'over' && !rangeTouches(h.from, h.to, consumed));
    const cues: Cue[] = [...new Map(live.map((h) => [h.term, { category: h.term.category, term: h.term.source }])).values()];
    const sentenceOf = (h: Hit) => (h.from < 0 ? -1 : words[h.from].sentence);
    const inSentence = (c: Category, s: number) => live.some((h) => h.term.category === c && sentenceOf(h) === s);
    const question = (s: number) => asked[s] || inSentence('question', s);
    const persons = live.filter((h) => h.term.category === 'person' || h.term.personal);
    const near = (h: Hit) => h.term.personal || persons.some((p) => sentenceOf(p) === sentenceOf(h) && p.from >= h.from - PERSON_REACH && p.from <= h.to + PERSON_REACH);
    const nowNear = (h: Hit) => live.some((n) => n.term.category === 'now' && sentenceOf(n) === sentenceOf(h) && n.from >= h.from - NOW_REACH && n.from <= h.to + NOW_REACH);
    // a conditional in a message that asks something is a hypothesis ("if I go, will they kidnap me?"); in one
    // that only tells, it is a threat ("if my family does not pay they will sell me")
    const asks = asked.some(Boolean) || live.some((h) => h.term.category === 'question');
    const standing = (h: Hit) => {
      const s = sentenceOf(h);
      if (nowNear(h)) return true;
      if (overIn.has(s)) return false;
      if (inSentence('hypothetical', s) && asks) return false;
      if (question(s) && !near(h)) return false;
      return true;
    };
    const verdict = (rule: DangerVerdict['rule']): DangerVerdict => ({ emergency: true, language: this.language, rule, cues });
    if (live.some((h) => h.term.category === 'sos' && (h.from < 0 || standing(h)))) return verdict('sos');
    const dangers = live.filter((h) => (ALONE.has(h.term.category as DangerCategory) || PAIRED.has(h.term.category as DangerCategory)) && standing(h));
    // a statement describing danger is taken as one (recall first)
    if (dangers.some((h) => ALONE.has(h.term.category as DangerCategory))) return verdict('alone');
    const kinds = new Set(dangers.map((h) => h.term.category));
    if (dangers.some((h) => kinds.size >= 2 || nowNear(h))) return verdict('paired');
    return { emergency: false, cues };
  }
}

function rangeTouches(from: number, to: number, set: Set<number>): boolean {
  if (from < 0) return false;
  for (let i = from; i <= to; i++) if (set.has(i)) return true;
  return false;
}

export class DangerDetector {
  private readonly languages: LanguageCues[];

  constructor(lexicons: Record<string, DangerLexicon | undefined>) {
    this.languages = Object.entries(lexicons).filter((e): e is [string, DangerLexicon] => !!e[1]).map(([lng, lex]) => new LanguageCues(lng, lex));
    if (!this.languages.length) throw new Error('DangerDetector: no lexicon');
  }

  /** The verdict with the cues that fired; the user's language is tried first, then every other. */
  judge(text: string, preferred?: string): DangerVerdict {
    const words: MessageWord[] = [];
    const asked: boolean[] = [];
    for (const m of text.matchAll(/[^.!?؟።\n]+[.!?؟።\n]*/g)) {
      const n = normalize(m[0]);
      if (!n) continue;
      const sentence = asked.push(/[?؟]/.test(m[0])) - 1;
      for (const w of n.split(' ')) {
        const skeleton = ETHIOPIC.test(w) ? ethiopicSkeleton(w) : undefined;
        words.push({ text: w, skeleton, sentence, keys: candidateKeys(w, skeleton) });
      }
    }
    const order = preferred ? [...this.languages].sort((a, b) => Number(b.language === preferred) - Number(a.language === preferred)) : this.languages;
    let quiet: DangerVerdict | undefined;
    for (const l of order) {
      const v = l.judge(text, words, asked);
      if (v.emergency) return v;
      if (l.language === preferred || (!quiet && v.cues.length)) quiet ??= v;
    }
    return quiet ?? { emergency: false, cues: [] };
  }

  isEmergency(text: string, preferred?: string): boolean {
    return this.judge(text, preferred).emergency;
  }
}
