import { smsEncoding, smsUnits, maxUnits } from '../../domain/smsSegments';

/**
 * Splits text into parts that each fit `limit(part)`, preferring paragraph, then line, then sentence, then word
 * boundaries; a single over-long word is cut. Order is kept.
 */
export function splitText(text: string, fits: (part: string) => boolean): string[] {
  const clean = text.trim();
  if (!clean) return [];
  if (fits(clean)) return [clean];
  const separators = [/\n\s*\n/, /\n/, /(?<=[.!?؟።۔])\s+/, /\s+/];
  for (const sep of separators) {
    const pieces = clean.split(sep).map((p) => p.trim()).filter(Boolean);
    if (pieces.length < 2) continue;
    const joiner = sep.source.includes('\\n\\s*\\n') ? '\n\n' : sep.source === '\\n' ? '\n' : ' ';
    const parts: string[] = [];
    let current = '';
    for (const piece of pieces) {
      const candidate = current ? current + joiner + piece : piece;
      if (fits(candidate)) current = candidate;
      else {
        if (current) parts.push(current);
        if (fits(piece)) current = piece;
        else {
          parts.push(...splitText(piece, fits));
          current = '';
        }
      }
    }
    if (current) parts.push(current);
    return joiner === '\n' ? balanceLines(parts, fits) : parts;
  }
  // no boundary at all: cut by characters (code points)
  const chars = [...clean];
  const parts: string[] = [];
  let current = '';
  for (const ch of chars) {
    if (fits(current + ch)) current += ch;
    else {
      parts.push(current);
      current = ch;
    }
  }
  if (current) parts.push(current);
  return parts;
}

/** a list split over two messages never leaves a stub of fewer lines than this in the later one */
const MIN_TAIL_LINES = 3;

/** Moves whole lines from the end of a part to the next while that one has a stub and both still fit. */
function balanceLines(parts: string[], fits: (part: string) => boolean): string[] {
  const lines = parts.map((p) => p.split('\n'));
  for (let i = lines.length - 1; i > 0; i--) {
    while (lines[i].length < MIN_TAIL_LINES && lines[i - 1].length > MIN_TAIL_LINES) {
      const moved = [lines[i - 1][lines[i - 1].length - 1], ...lines[i]];
      if (!fits(moved.join('\n'))) break;
      lines[i - 1] = lines[i - 1].slice(0, -1);
      lines[i] = moved;
    }
  }
  return lines.map((l) => l.join('\n'));
}

/** SMS shows WhatsApp's *bold*, _italic_ and ~strike~ marks as they are: take them out, keep the words. */
export function plainForSms(text: string): string {
  return text.replace(/(^|[\s(])([*_~])(?=\S)([^*_~\n]*?\S)\2(?=$|[\s).,:;!?؟،])/gmu, '$1$3');
}

/** Twilio rejects bodies over 1,600 characters. */
export const TWILIO_MAX_BODY = 1600;

export function splitForWhatsApp(text: string): string[] {
  return splitText(text, (p) => p.length <= TWILIO_MAX_BODY);
}

/** SMS: every message within `segments` segments of its own encoding (3 by default). */
export function splitForSms(text: string, segments = 3): string[] {
  return splitText(plainForSms(text), (p) => {
    const enc = smsEncoding(p);
    return smsUnits(p, enc) <= maxUnits(enc, segments) && p.length <= TWILIO_MAX_BODY;
  });
}
