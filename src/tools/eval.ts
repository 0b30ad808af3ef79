import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { loadConfig } from '../config/config';
import { createApp } from '../app';
import { projectRoot } from '../knowledge/loadContent';

/**
 * `npm run eval [-- dev|heldout|all]`: sends every message of test/eval/*.jsonl as the first message of a new
 * conversation through the real signed webhook of an in-process app, and reads the turn log: accuracy per
 * language and per topic, escalation of emergencies, and the misses.
 */
export interface EvalItem {
  id: string;
  text: string;
  ch: 'sms' | 'whatsapp';
  topics: string[];
  lang: string[];
  escalate: boolean;
}

export interface EvalResult {
  n: number;
  topicAccuracy: number;
  languageAccuracy: number;
  emergencies: number;
  emergenciesEscalated: number;
  /** per language: topic accuracy, emergencies answered as emergencies, and false alarms among the rest */
  byLanguage: Record<string, LanguageFigures>;
  /** expected -> got, for the misses */
  confusion: Record<string, number>;
  /** messages answered with a clarifying question or the fallback */
  unplaced: number;
  byTopic: Record<string, { n: number; ok: number }>;
  misses: Array<{ id: string; text: string; expected: string[]; got: string | null; language: string; intent: string }>;
}

export interface LanguageFigures {
  n: number;
  ok: number;
  emergencies: number;
  caught: number;
  calm: number;
  alarms: number;
}

/** `topics: ["out_of_scope"]`: a question outside the 13 topics, right when answered with a clarifying question or the fallback */
export const OUT_OF_SCOPE = 'out_of_scope';

export function readEvalSet(which: 'dev' | 'dev2' | 'dev3' | 'dev4' | 'dev5' | 'heldout'): EvalItem[] {
  return readEvalFile(path.join(projectRoot(), 'test', 'eval', `${which}.jsonl`));
}

/** a JSON-lines set; with `split`, only its items of that split (`dev` or `heldout`) */
export function readEvalFile(file: string, split?: 'dev' | 'heldout'): EvalItem[] {
  const items = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EvalItem & { split?: string });
  return split ? items.filter((i) => i.split === split) : items;
}

/** every file of a folder of per-language sets (test/eval/danger, test/eval/questions), one split */
export function readEvalDir(dir: string, split: 'dev' | 'heldout'): EvalItem[] {
  const abs = path.join(projectRoot(), dir);
  return fs.readdirSync(abs).filter((f) => f.endsWith('.jsonl')).sort().flatMap((f) => readEvalFile(path.join(abs, f), split));
}

export async function runEval(items: EvalItem[]): Promise<EvalResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-eval-'));
  const lines: string[] = [];
  const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '0' }), {
    logDestination: { write: (s: string) => void lines.push(...s.split('\n').filter(Boolean)) },
  });
  const { url } = await app.listen(0, '127.0.0.1');
  const res: EvalResult = { n: 0, topicAccuracy: 0, languageAccuracy: 0, emergencies: 0, emergenciesEscalated: 0, byLanguage: {}, byTopic: {}, confusion: {}, unplaced: 0, misses: [] };
  let topicOk = 0;
  let langOk = 0;
  try {
    let i = 0;
    for (const it of items) {
      const from = `+1555800${String(++i).padStart(4, '0')}`;
      const params: Record<string, string> = {
        MessageSid: `SM${String(i).padStart(32, '0')}`, From: it.ch === 'whatsapp' ? `whatsapp:${from}` : from,
        To: it.ch === 'whatsapp' ? 'whatsapp:+15005550007' : '+15005550006', Body: it.text, NumMedia: '0',
      };
      const sig = twilio.getExpectedTwilioSignature(app.authToken, app.publicUrl() + '/twilio/messages', params);
      const before = lines.length;
      await fetch(url + '/twilio/messages', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params).toString() });
      await app.worker.idle();
      const turn = lines.slice(before).map((l) => JSON.parse(l)).find((o) => o.msg === 'turn') ?? {};
      const unplaced = turn.intent === 'clarify' || turn.intent === 'fallback';
      const tOk = it.topics.includes(turn.topic) || (it.topics.includes(OUT_OF_SCOPE) && unplaced);
      const lOk = it.lang.includes(turn.language);
      const alarm = turn.intent === 'emergency';
      res.n++;
      if (tOk) topicOk++;
      if (lOk) langOk++;
      if (unplaced) res.unplaced++;
      if (it.escalate) {
        res.emergencies++;
        if (alarm && turn.escalated === true) res.emergenciesEscalated++;
      }
      const L = (res.byLanguage[it.lang[0]] ??= { n: 0, ok: 0, emergencies: 0, caught: 0, calm: 0, alarms: 0 });
      L.n++;
      if (tOk) L.ok++;
      if (it.escalate) {
        L.emergencies++;
        if (alarm && turn.escalated === true) L.caught++;
      } else {
        L.calm++;
        if (alarm) L.alarms++;
      }
      if (!tOk) {
        const pair = `${it.topics[0]} -> ${turn.topic ?? turn.intent}`;
        res.confusion[pair] = (res.confusion[pair] ?? 0) + 1;
      }
      const T = (res.byTopic[it.topics[0]] ??= { n: 0, ok: 0 });
      T.n++;
      if (tOk) T.ok++;
      if (!tOk || !lOk) res.misses.push({ id: it.id, text: it.text, expected: it.topics, got: turn.topic ?? null, language: `${turn.language} (want ${it.lang.join('|')})`, intent: turn.intent });
    }
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  res.topicAccuracy = topicOk / Math.max(1, res.n);
  res.languageAccuracy = langOk / Math.max(1, res.n);
  return res;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** `withMisses: false` prints the totals only (the test suite, whose logs everyone reads, keeps held-out misses out of sight). */
export function printReport(name: string, r: EvalResult, opts: { withMisses?: boolean } = {}): void {
  console.log(`\n== ${name}: ${r.n} messages; topic ${pct(r.topicAccuracy)}, language ${pct(r.languageAccuracy)}, emergencies escalated ${r.emergenciesEscalated}/${r.emergencies}`);
  console.log('per language: ' + Object.entries(r.byLanguage).map(([k, v]) => `${k} ${v.ok}/${v.n}`).join(', '));
  console.log('per topic:    ' + Object.entries(r.byTopic).map(([k, v]) => `${k} ${v.ok}/${v.n}`).join(', '));
  console.log(`clarify or fallback: ${r.unplaced}/${r.n}`);
  const emergencies = Object.entries(r.byLanguage).filter(([, v]) => v.emergencies || v.calm);
  if (emergencies.some(([, v]) => v.emergencies)) console.log('emergencies caught: ' + emergencies.map(([k, v]) => `${k} ${v.caught}/${v.emergencies}`).join(', '));
  if (emergencies.some(([, v]) => v.calm)) console.log('false alarms:       ' + emergencies.map(([k, v]) => `${k} ${v.alarms}/${v.calm}`).join(', '));
  const pairs = Object.entries(r.confusion).sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (pairs.length) console.log('confusion:    ' + pairs.map(([k, v]) => `${k} x${v}`).join(', '));
  if (r.misses.length && opts.withMisses !== false) {
    console.log('misses:');
    for (const m of r.misses) console.log(`  ${m.id}: got ${m.got} [${m.intent}], want ${m.expected.join('|')}; lang ${m.language}: ${m.text}`);
  }
}

/** named sets: the development and held-out files, and the per-language folders with a dev and a held-out split */
export function namedSet(name: string): EvalItem[] {
  const folder = name.match(/^(danger2?|questions2?)(-heldout)?$/);
  if (folder) return readEvalDir(path.join('test', 'eval', folder[1]), folder[2] ? 'heldout' : 'dev');
  return readEvalSet(name as 'dev');
}

if (require.main === module) {
  const which = process.argv[2] ?? 'all';
  const sets = which === 'all' ? ['dev', 'dev2', 'dev3', 'dev4', 'dev5', 'danger', 'danger2', 'questions', 'questions2', 'heldout', 'danger-heldout', 'questions-heldout'] : [which];
  (async () => {
    // held-out sets print their figures, never their misses: nobody tunes on them
    for (const set of sets) printReport(set, await runEval(namedSet(set)), { withMisses: !set.includes('heldout') });
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
