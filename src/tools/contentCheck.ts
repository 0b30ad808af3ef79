import path from 'node:path';
import { loadContent, projectRoot } from '../knowledge/loadContent';
import { smsEncoding, smsUnits } from '../domain/smsSegments';
import { LANGUAGES, TOPIC_IDS } from '../knowledge/topics';

/**
 * `npm run content:check`: missing keys per language, over-length SMS answers per encoding, topics without
 * sources, broken placeholders, phone-number-like text in topics, and the review status per language.
 * Exits 1 on errors.
 */
function flatten(x: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (typeof x === 'string') out[prefix] = x;
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

export function checkContent(root = projectRoot()): { errors: string[]; warnings: string[]; review: Record<string, string> } {
  const content = loadContent(path.join(root, 'locales'));
  const errors = content.problems.filter((p) => p.severity === 'error').map((p) => `${p.language}/${p.file}: ${p.message}`);
  const warnings = content.problems.filter((p) => p.severity === 'warning').map((p) => `${p.language}/${p.file}: ${p.message}`);
  const en = flatten(content.byLanguage.en.ui);
  const review: Record<string, string> = {};
  for (const lng of LANGUAGES) {
    const c = content.byLanguage[lng];
    const ui = flatten(c.ui);
    for (const [key, text] of Object.entries(en)) {
      if (!(key in ui)) {
        if (Object.keys(ui).length) errors.push(`${lng}/ui.json: missing key ${key}`);
        continue;
      }
      const want = [...text.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort().join(',');
      const got = [...ui[key].matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort().join(',');
      if (want !== got) errors.push(`${lng}/ui.json: ${key} placeholders {${got}} differ from en {${want}}`);
    }
    const statuses = new Map<string, number>();
    for (const id of TOPIC_IDS) {
      const t = c.topics[id];
      if (!t) {
        if (Object.keys(c.topics).length) errors.push(`${lng}/topics.json: missing topic ${id}`);
        continue;
      }
      const enc = smsEncoding(t.sms);
      const units = smsUnits(t.sms, enc);
      const max = enc === 'GSM-7' ? 459 : 201;
      if (units > max) errors.push(`${lng}/topics.json: ${id} SMS is ${units} ${enc} units, over ${max} (3 segments)`);
      if (!t.sources.length) errors.push(`${lng}/topics.json: ${id} has no sources`);
      if (/\+?\d[\d\s-]{5,}\d/.test(t.sms + ' ' + t.whatsapp.replace(/\d{1,3}(,\d{3})+/g, ''))) errors.push(`${lng}/topics.json: ${id} looks like it contains a phone number (numbers come from country cards only)`);
      statuses.set(t.review.status, (statuses.get(t.review.status) ?? 0) + 1);
    }
    review[lng] = [...statuses.entries()].map(([s, n]) => `${n} ${s}`).join(', ') || 'no content';
  }
  return { errors, warnings, review };
}

if (require.main === module) {
  const r = checkContent();
  for (const [lng, s] of Object.entries(r.review)) console.log(`${lng.padEnd(6)} review: ${s}`);
  for (const w of r.warnings) console.log(`warning: ${w}`);
  for (const e of r.errors) console.log(`ERROR: ${e}`);
  console.log(r.errors.length ? `content:check: ${r.errors.length} error(s)` : 'content:check: clean');
  process.exit(r.errors.length ? 1 : 0);
}
