import fs from 'node:fs';
import path from 'node:path';
import { loadContent, perLanguage, projectRoot } from '../knowledge/loadContent';
import { DangerDetector, type DangerVerdict } from '../knowledge/dangerDetector';

/**
 * `npm run eval:danger -- FILE.jsonl [...]`: the emergency detector alone on labelled messages
 * (`{"id","text","lang":"xx"|["xx"],"escalate":true|false}` per line): recall on the emergencies and false alarms
 * on the rest, per language, and each miss with the cues that fired (or did not).
 * `npm run eval:danger -- --text "..." [--lang xx]` explains one message.
 */
export interface DangerItem {
  id: string;
  text: string;
  lang: string | string[];
  escalate: boolean;
}

export interface DangerFigures {
  byLanguage: Record<string, { emergencies: number; caught: number; calm: number; alarms: number }>;
  misses: Array<{ id: string; text: string; escalate: boolean; verdict: DangerVerdict }>;
}

export function dangerDetector(root = projectRoot()): DangerDetector {
  const content = loadContent(path.join(root, 'locales'));
  return new DangerDetector(perLanguage(content, 'danger'));
}

export function readDangerItems(file: string): DangerItem[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as DangerItem);
}

export function scoreDanger(detector: DangerDetector, items: DangerItem[]): DangerFigures {
  const out: DangerFigures = { byLanguage: {}, misses: [] };
  for (const it of items) {
    const lng = Array.isArray(it.lang) ? it.lang[0] : it.lang;
    const row = (out.byLanguage[lng] ??= { emergencies: 0, caught: 0, calm: 0, alarms: 0 });
    const verdict = detector.judge(it.text, lng);
    if (it.escalate) {
      row.emergencies++;
      if (verdict.emergency) row.caught++;
      else out.misses.push({ id: it.id, text: it.text, escalate: true, verdict });
    } else {
      row.calm++;
      if (verdict.emergency) {
        row.alarms++;
        out.misses.push({ id: it.id, text: it.text, escalate: false, verdict });
      }
    }
  }
  return out;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '-');

export function formatDanger(f: DangerFigures): string {
  const rows = Object.entries(f.byLanguage).sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((t, [, r]) => ({ e: t.e + r.emergencies, c: t.c + r.caught, n: t.n + r.calm, a: t.a + r.alarms }), { e: 0, c: 0, n: 0, a: 0 });
  const lines = ['language  recall            false alarms'];
  for (const [lng, r] of rows) lines.push(`${lng.padEnd(8)}  ${`${r.caught}/${r.emergencies}`.padEnd(7)} ${pct(r.caught, r.emergencies).padEnd(9)} ${`${r.alarms}/${r.calm}`.padEnd(7)} ${pct(r.alarms, r.calm)}`);
  lines.push(`${'all'.padEnd(8)}  ${`${total.c}/${total.e}`.padEnd(7)} ${pct(total.c, total.e).padEnd(9)} ${`${total.a}/${total.n}`.padEnd(7)} ${pct(total.a, total.n)}`);
  return lines.join('\n');
}

export function explain(v: DangerVerdict): string {
  const cues = v.cues.map((c) => `${c.category}:"${c.term}"`).join(' ');
  return `${v.emergency ? `EMERGENCY (${v.language}, ${v.rule})` : 'not an emergency'}${cues ? ` cues: ${cues}` : ''}`;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const detector = dangerDetector();
  const textAt = args.indexOf('--text');
  if (textAt >= 0) {
    const langAt = args.indexOf('--lang');
    console.log(explain(detector.judge(args[textAt + 1] ?? '', langAt >= 0 ? args[langAt + 1] : undefined)));
  } else {
    const quiet = args.includes('--quiet');
    const files = args.filter((a) => !a.startsWith('--'));
    if (!files.length) {
      console.error('usage: npm run eval:danger -- FILE.jsonl [...] [--quiet] | --text "message" [--lang xx]');
      process.exit(2);
    }
    const f = scoreDanger(detector, files.flatMap(readDangerItems));
    if (!quiet) for (const m of f.misses) console.log(`${m.escalate ? 'MISSED     ' : 'FALSE ALARM'} ${m.id}: ${m.text}\n            ${explain(m.verdict)}`);
    console.log(formatDanger(f));
  }
}
