import fs from 'node:fs';
import path from 'node:path';
import { loadContent, projectRoot } from '../knowledge/loadContent';
import { topicModelFor } from '../knowledge/topicModel';

/**
 * `npm run eval:topics -- FILE.jsonl [...] [--misses]`: the topic model alone (no webhook) on labelled questions
 * (emergencies left out), for quick rounds: top-1 accuracy, and what its decision does (answers right, asks,
 * answers wrong). `npm run eval` is the measure that counts (the real webhook).
 */
interface Item { id: string; text: string; topics: string[]; lang: string[]; escalate?: boolean }

const root = projectRoot();
const content = loadContent(path.join(root, 'locales'));
const t0 = process.hrtime.bigint();
const model = topicModelFor(content);
console.log(`trained in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(0)} ms`);
const showMisses = process.argv.includes('--misses');
const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
for (const file of process.argv.slice(2).filter((a) => !a.startsWith('--'))) {
  const items = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Item).filter((i) => !i.escalate);
  const per: Record<string, { n: number; linear: number; right: number; asked: number; wrong: number }> = {};
  for (const it of items) {
    const lng = it.lang[0];
    const row = (per[lng] ??= { n: 0, linear: 0, right: 0, asked: 0, wrong: 0 });
    row.n++;
    const oos = it.topics.includes('out_of_scope');
    const d = model.classify(it.text);
    const l = d.ranked[0]?.topic;
    if ((l && it.topics.includes(l)) || (oos && d.offTopic)) row.linear++;
    if (d.confident && l && it.topics.includes(l)) row.right++;
    else if ((oos && !d.confident) || d.clarify) row.asked++;
    else {
      row.wrong++;
      if (showMisses) console.log(`  miss ${it.id} [${it.topics}] -> ${d.confident ? l : d.offTopic ? 'off-topic' : 'fallback'} (${d.ranked.slice(0, 2).map((r) => `${r.topic} ${r.score}`).join(', ')}): ${it.text.slice(0, 110)}`);
    }
  }
  const tot = Object.values(per).reduce((a, r) => ({ n: a.n + r.n, linear: a.linear + r.linear, right: a.right + r.right, asked: a.asked + r.asked, wrong: a.wrong + r.wrong }), { n: 0, linear: 0, right: 0, asked: 0, wrong: 0 });
  console.log(`${path.basename(file)}: n=${tot.n} top-1 ${pct(tot.linear, tot.n)}; decisions: answered right ${pct(tot.right, tot.n)}, asked ${pct(tot.asked, tot.n)}, wrong ${pct(tot.wrong, tot.n)}`);
  console.log('  ' + Object.entries(per).map(([k, r]) => `${k} ${pct(r.linear, r.n)}`).join('  '));
}
