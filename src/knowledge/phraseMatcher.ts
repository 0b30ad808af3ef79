import { normalize } from './normalize';

const LOOSE_SCRIPT = /[\u0600-\u06FF\u1200-\u137F]/;

/**
 * Finds known phrases inside a normalised message on word boundaries ("gun" does not match "begun").
 * Scripts without spaces between morphemes (Arabic prefixes like "و"/"ال", Ethiopic suffixes) also match as a
 * prefix of a word, which keeps recall high for emergencies.
 */
export class PhraseMatcher<T> {
  private readonly entries: Array<{ phrase: string; value: T; loose: boolean }> = [];
  /** word-boundary entries by their first word, so a message is matched in time of its words, not of all phrases */
  private readonly byFirstWord = new Map<string, number[]>();
  /** entries that may also match inside a word (Arabic script, Ethiopic): only tried on text in those scripts */
  private readonly loose: number[] = [];

  add(phrase: string, value: T): void {
    const p = normalize(phrase);
    if (!p) return;
    const loose = LOOSE_SCRIPT.test(p);
    const index = this.entries.push({ phrase: p, value, loose }) - 1;
    if (loose) this.loose.push(index);
    const first = p.split(' ', 1)[0];
    const list = this.byFirstWord.get(first);
    if (list) list.push(index);
    else this.byFirstWord.set(first, [index]);
  }

  /** every value whose phrase occurs in the text, in the order the phrases were added */
  find(text: string): T[] {
    const n = ' ' + normalize(text) + ' ';
    const hits = new Set<number>();
    for (let start = 0; start < n.length - 1; start = n.indexOf(' ', start + 1)) {
      const end = n.indexOf(' ', start + 1);
      if (end < 0) break;
      for (const i of this.byFirstWord.get(n.slice(start + 1, end)) ?? []) {
        if (n.startsWith(this.entries[i].phrase + ' ', start + 1)) hits.add(i);
      }
    }
    if (this.loose.length && LOOSE_SCRIPT.test(n)) {
      for (const i of this.loose) {
        const { phrase } = this.entries[i];
        if (!hits.has(i) && phrase.length >= 3 && (n.includes(' ' + phrase) || n.includes(phrase + ' ') || (phrase.length >= 4 && n.includes(phrase)))) hits.add(i);
      }
    }
    return [...hits].sort((a, b) => a - b).map((i) => this.entries[i].value);
  }

  /** the value of a phrase equal to the whole message */
  exact(text: string): T | undefined {
    const n = normalize(text);
    return this.entries.find((e) => e.phrase === n)?.value;
  }
}
