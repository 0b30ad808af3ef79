import type { Content } from './loadContent';
import type { Language } from './topics';

function strings(x: unknown, out: string[]): void {
  if (typeof x === 'string') out.push(x);
  else if (Array.isArray(x)) x.forEach((v) => strings(v, out));
  else if (x && typeof x === 'object') Object.values(x).forEach((v) => strings(v, out));
}

/** Every text a language's locale folder holds: the vocabulary the language detector knows it by. */
export function detectorTexts(content: Content): Partial<Record<Language, string[]>> {
  const out: Partial<Record<Language, string[]>> = {};
  for (const lng of content.languages) {
    const c = content.byLanguage[lng];
    const list: string[] = [];
    strings(c.understanding, list);
    strings(c.danger, list);
    for (const t of Object.values(c.topics)) list.push(t!.title, t!.sms, t!.whatsapp);
    strings(c.ui, list);
    out[lng] = list;
  }
  return out;
}

export function detectorGreetings(content: Content): Partial<Record<Language, string[]>> {
  return Object.fromEntries(content.languages.map((l) => [l, content.byLanguage[l].understanding?.greetings ?? []]));
}
