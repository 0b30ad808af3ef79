/**
 * SMS encoding and segment arithmetic. GSM-7 (with its extension table counting twice) or UCS-2 once any
 * character falls outside it. 1 segment: 160 / 70; concatenated: 153 / 67 per segment.
 */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXT = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXT.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

/** Length in the units the encoding counts: septets for GSM-7, UTF-16 code units for UCS-2. */
export function smsUnits(text: string, encoding = smsEncoding(text)): number {
  if (encoding === 'UCS-2') return text.length;
  let n = 0;
  for (const ch of text) n += GSM_EXT.has(ch) ? 2 : 1;
  return n;
}

export function segmentCount(text: string): { encoding: SmsEncoding; units: number; segments: number } {
  const encoding = smsEncoding(text);
  const units = smsUnits(text, encoding);
  const [single, multi] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  return { encoding, units, segments: units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi) };
}

/** Largest text that fits `segments` segments in the given encoding. */
export function maxUnits(encoding: SmsEncoding, segments: number): number {
  return encoding === 'GSM-7' ? (segments === 1 ? 160 : segments * 153) : segments === 1 ? 70 : segments * 67;
}
