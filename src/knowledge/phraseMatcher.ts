import { normalize } from './normalize';

/**
 * Finds known phrases inside a normalised message on word boundaries ("gun" does not match "begun").
 * Scripts without spaces between morphemes (Arabic prefixes like "و"/"ال", Ethiopic suffixes) also match as a
 * prefix of a word, which keeps recall high for emergencies.
 */
export class PhraseMatcher<T> {
  private readonly entries: Array<{ phrase: string; value: T; loose: boolean }> = [];

  add(phrase: string, value: T): void {
    const p = normalize(phrase);
    if (!p) return;
    const loose = /[\u0600-\u06FF\u1200-\u137F]/.test(p);
    this.entries.push({ phrase: p, value, loose });
  }

  /** every value whose phrase occurs in the text */
  find(text: string): T[] {
    const n = ' ' + normalize(text) + ' ';
    const out: T[] = [];
    for (const e of this.entries) {
      if (n.includes(' ' + e.phrase + ' ')) out.push(e.value);
      else if (e.loose && e.phrase.length >= 3 && (n.includes(' ' + e.phrase) || n.includes(e.phrase + ' ') || (e.phrase.length >= 4 && n.includes(e.phrase)))) out.push(e.value);
    }
    return out;
  }

  /** the value of a phrase equal to the whole message */
  exact(text: string): T | undefined {
    const n = normalize(text);
    return this.entries.find((e) => e.phrase === n)?.value;
  }
}
