// The cost of understanding a message, measured in one process pinned to one core (see README "## Benchmark"):
// the topic model, the danger detector and the language detector alone, on typical messages (the evaluation sets)
// and on 4,096-character ones; then the whole turn through the real app (in-process, dry-run channel, real signed
// webhooks), typical against 4,096 characters. CPU time per message from process.cpuUsage(), medians of rounds.
// Prints one JSON object. Run by bench/run.mjs (case `understanding`), or alone: node bench/understanding.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const dist = (p) => require(path.join(ROOT, 'dist', 'src', p));
const { loadContent, perLanguage } = dist('knowledge/loadContent.js');
const { topicModelFor } = dist('knowledge/topicModel.js');
const { DangerDetector } = dist('knowledge/dangerDetector.js');
const { LanguageDetector } = dist('knowledge/languageDetector.js');
const { detectorTexts, detectorGreetings } = dist('knowledge/detectorTexts.js');
const twilio = require('twilio');
const { franc } = require('franc');

const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

const evalDir = path.join(ROOT, 'test', 'eval');
const typical = fs.readdirSync(evalDir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => fs.readFileSync(path.join(evalDir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text));
const pad = (s) => {
  let out = '';
  while (out.length < 4096) out += `${s} `;
  return out.slice(0, 4096);
};
const long = typical.slice(0, 50).map(pad);

function perMessage(fn, messages) {
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = cpuUs();
    for (const m of messages) fn(m);
    rounds.push((cpuUs() - t0) / messages.length);
  }
  return Math.round(median(rounds) * 10) / 10;
}

const content = loadContent(path.join(ROOT, 'locales'));
let t0 = cpuUs();
const model = topicModelFor(content);
const trainMs = Math.round((cpuUs() - t0) / 1000);
const danger = new DangerDetector(perLanguage(content, 'danger'));
const detector = new LanguageDetector(detectorTexts(content), franc, detectorGreetings(content));

const out = {
  messages: { typical: typical.length, long: long.length, longChars: 4096 },
  trainCpuMs: trainMs, // training, or reading the cached model
  aloneUsPerMessage: {
    topicModel: { typical: perMessage((m) => model.classify(m), typical), long: perMessage((m) => model.classify(m), long) },
    dangerDetector: { typical: perMessage((m) => danger.judge(m), typical), long: perMessage((m) => danger.judge(m), long) },
    languageDetector: { typical: perMessage((m) => detector.detect(m), typical), long: perMessage((m) => detector.detect(m), long) },
  },
};

// the whole turn: the real app in this process, dry-run, a new conversation per message
const { createApp } = dist('app.js');
const { loadConfig } = dist('config/config.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-bench-und-'));
const app = await createApp(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', USER_MESSAGES_PER_MINUTE: '600' }), {});
const { url } = await app.listen(0, '127.0.0.1');
let n = 0;
async function turn(body) {
  const from = `+1555${String(3_000_000 + ++n)}`;
  const params = { MessageSid: `SM${String(n).padStart(32, '0')}`, From: from, To: '+15005550006', Body: body, NumMedia: '0' };
  const sig = twilio.getExpectedTwilioSignature(app.authToken, `${app.publicUrl()}/twilio/messages`, params);
  await fetch(`${url}/twilio/messages`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params).toString() });
  await app.worker.idle();
  await app.sender.idle();
}
async function turnCost(messages) {
  const rounds = [];
  for (let r = 0; r < 3; r++) {
    t0 = cpuUs();
    for (const m of messages) await turn(m);
    rounds.push((cpuUs() - t0) / messages.length);
  }
  return Math.round(median(rounds));
}
try {
  const sample = typical.filter((_, i) => i % Math.ceil(typical.length / 50) === 0);
  await turn('warm up');
  out.turnUsPerMessage = { typical: await turnCost(sample), long: await turnCost(long) };
} finally {
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(out));
