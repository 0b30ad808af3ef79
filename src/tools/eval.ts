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
  byLanguage: Record<string, { n: number; ok: number }>;
  byTopic: Record<string, { n: number; ok: number }>;
  misses: Array<{ id: string; text: string; expected: string[]; got: string | null; language: string; intent: string }>;
}

export function readEvalSet(which: 'dev' | 'dev2' | 'dev3' | 'dev4' | 'dev5' | 'heldout'): EvalItem[] {
  const file = path.join(projectRoot(), 'test', 'eval', `${which}.jsonl`);
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

export async function runEval(items: EvalItem[]): Promise<EvalResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-eval-'));
  const lines: string[] = [];
  const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '0' }), {
    logDestination: { write: (s: string) => void lines.push(...s.split('\n').filter(Boolean)) },
  });
  const { url } = await app.listen(0, '127.0.0.1');
  const res: EvalResult = { n: 0, topicAccuracy: 0, languageAccuracy: 0, emergencies: 0, emergenciesEscalated: 0, byLanguage: {}, byTopic: {}, misses: [] };
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
      const tOk = it.topics.includes(turn.topic);
      const lOk = it.lang.includes(turn.language);
      res.n++;
      if (tOk) topicOk++;
      if (lOk) langOk++;
      if (it.escalate) {
        res.emergencies++;
        if (turn.escalated === true) res.emergenciesEscalated++;
      }
      const L = (res.byLanguage[it.lang[0]] ??= { n: 0, ok: 0 });
      L.n++;
      if (tOk) L.ok++;
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
  if (r.misses.length && opts.withMisses !== false) {
    console.log('misses:');
    for (const m of r.misses) console.log(`  ${m.id}: got ${m.got} [${m.intent}], want ${m.expected.join('|')}; lang ${m.language}: ${m.text}`);
  }
}

if (require.main === module) {
  const which = (process.argv[2] ?? 'all') as 'dev' | 'dev2' | 'dev3' | 'dev4' | 'dev5' | 'heldout' | 'all';
  (async () => {
    for (const set of which === 'all' ? (['dev', 'dev2', 'dev3', 'dev4', 'dev5', 'heldout'] as const) : [which]) printReport(set, await runEval(readEvalSet(set)));
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
