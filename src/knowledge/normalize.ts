/**
 * Text normalisation for matching (never for display): case, Latin diacritics, Arabic letter variants
 * (alef/hamza forms, ya/alef maqsura, ta marbuta, Persian ya/kaf), harakat, tatweel, Arabic-Indic and
 * Persian digits, zero-width characters, emoji and punctuation, and runs of repeated letters.
 */
const ZERO_WIDTH = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;
const HARAKAT = /[\u064B-\u065F\u0670\u06D6-\u06ED]/g;
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F\u20E3]/gu;
const MAP: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ى': 'ي', 'ی': 'ي', 'ې': 'ي', 'ۍ': 'ي', 'ئ': 'ي', 'ة': 'ه', 'ۀ': 'ه', 'ؤ': 'و',
  'ك': 'ک', 'ـ': '', 'ɓ': 'b', 'ɗ': 'd', 'ƙ': 'k', 'ƴ': 'y', "'": '', '’': '', 'ʼ': '',
};
const DIGITS: Record<string, string> = {};
'٠١٢٣٤٥٦٧٨٩'.split('').forEach((d, i) => (DIGITS[d] = String(i)));
'۰۱۲۳۴۵۶۷۸۹'.split('').forEach((d, i) => (DIGITS[d] = String(i)));

/**
 * Ethiopic letters that spell the same sound (ሀ/ሐ/ኀ, አ/ዐ, ሰ/ሠ, ጸ/ፀ): writers use them interchangeably, so each
 * series folds onto one, order by order; and Tigrinya's ኣ onto አ.
 */
const ETHIOPIC_FOLD: Array<[number, number]> = [
  [0x1210, 0x1200], [0x1280, 0x1200], [0x12d0, 0x12a0], [0x1220, 0x1230], [0x1340, 0x1338],
];

function foldEthiopic(s: string): string {
  if (!/[\u1200-\u137F]/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    for (const [from, to] of ETHIOPIC_FOLD) if (cp >= from && cp < from + 8) cp = to + (cp - from);
    if (cp === 0x12a3) cp = 0x12a0;
    out += String.fromCodePoint(cp);
  }
  return out;
}

export function normalize(text: string): string {
  let s = text.normalize('NFKC').replace(ZERO_WIDTH, '').replace(EMOJI, ' ').toLowerCase();
  s = s.replace(/[٠-٩۰-۹]/g, (d) => DIGITS[d]);
  s = s.replace(HARAKAT, '');
  s = s.replace(/[أإآٱىیېۍئةۀؤكـɓɗƙƴ'’ʼ]/g, (c) => MAP[c] ?? c);
  // Latin (and other) combining accents: é -> e; Arabic hamza marks decompose the same way
  s = s.normalize('NFD').replace(/[\u0300-\u036f\u0654\u0655]/g, '').normalize('NFC');
  s = foldEthiopic(s);
  s = s.replace(/[^\p{L}\p{N}\s]/gu, ' ');
  s = s.replace(/(\p{L})\1+/gu, '$1');
  return s.replace(/\s+/g, ' ').trim();
}

export function words(text: string): string[] {
  const n = normalize(text);
  return n ? n.split(' ') : [];
}
