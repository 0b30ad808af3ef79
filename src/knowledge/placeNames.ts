import fs from 'node:fs';
import path from 'node:path';
import { normalize } from './normalize';
import { projectRoot } from './loadContent';

/** Normalised names of countries (in every language Intl knows) and cities: words that carry no topic. */
export function placeNames(languages: readonly string[], file = path.join(projectRoot(), 'src', 'knowledge', 'places.json')): Set<string> {
  const places = JSON.parse(fs.readFileSync(file, 'utf8')) as { regions: string[]; cities: string[] };
  const out = new Set<string>();
  const add = (name: string | undefined) => {
    const n = name ? normalize(name) : '';
    if (n) out.add(n);
  };
  for (const lng of ['en', ...languages]) {
    let names: Intl.DisplayNames | undefined;
    try {
      names = new Intl.DisplayNames([lng], { type: 'region' });
    } catch {
      continue;
    }
    for (const code of places.regions) add(names.of(code));
  }
  for (const c of places.cities) add(c);
  return out;
}
