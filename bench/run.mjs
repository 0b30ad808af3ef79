// npm run bench: drives the real server (node dist/src/main.js, pinned to core 0) from this process (core 1)
// through signed webhooks, with a local fake of Twilio's Messages API counting the replies, next to two ceilings
// measured in the same run. Writes bench/results.json and bench/results.md. See README "## Benchmark".
//
// Options: --quick (short passes, for development)   --only=a,b (case names: bare-express, bare-botbuilder,
// lowdb-1k, lowdb-100k, pg-1k, pg-100k, understanding)   --no-profile   --profile (profile every case at full load)
// --update-readme (copy the table into README.md)   --readme-from-results (only that, from bench/results.md)   --connections=N   --seconds=N (full-load pass)   --big=N
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BENCH_DIR, ROOT, SENDERS, machine, log, sleep, round, percentile, hasTaskset, newSidRun,
} from './lib/common.mjs';
import { startNode, serverEnv, startFakeTwilio, TASKSET } from './lib/procs.mjs';
import { WebhookFeed, closedLoop, paced } from './lib/load.mjs';
import { makeTemplate, seedLowdb } from './lib/seed.mjs';
import { pgAvailability, seedPg } from './lib/pg.mjs';
import { summarizeProfile, monoUs } from './lib/profile.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const QUICK = flag('quick');
const CFG = {
  connections: Number(opt('connections') ?? 32),
  warmS: QUICK ? 1 : 3,
  maxS: Number(opt('seconds') ?? (QUICK ? 3 : 12)),
  halfS: QUICK ? 3 : 10,
  profileS: QUICK ? 3 : 8,
  drainMaxS: 30,
  sizes: { '1k': 1_000, '100k': Number(opt('big') ?? (QUICK ? 10_000 : 100_000)) },
};
const ONLY = opt('only')?.split(',');
/** --env=K=V (repeatable): extra environment for the server under test, e.g. --env=UV_THREADPOOL_SIZE=32 */
const SERVER_ENV = Object.fromEntries(argv.filter((a) => a.startsWith('--env=')).map((a) => {
  const kv = a.slice(6);
  const i = kv.indexOf('=');
  return [kv.slice(0, i), kv.slice(i + 1)];
}));
const wants = (name) => !ONLY || ONLY.includes(name);
const TARGETS = { vsBotbuilder: 0.7, bigVsSmall: 0.9, rssMB: 300, halfRateP99Ms: 50 };
const OUT = path.join(BENCH_DIR, 'out');
fs.mkdirSync(OUT, { recursive: true });

const results = {
  startedAt: new Date().toISOString(), quick: QUICK, machine: machine(), config: { ...CFG, senders: SENDERS, pinned: !!TASKSET },
  ceilings: {}, cases: {}, targets: [], profiles: {}, notes: [],
};
if (Object.keys(SERVER_ENV).length) results.config.serverEnv = SERVER_ENV;

// this process (load generator) and the fake Twilio on core 1, the server on core 0
if (hasTaskset() && results.machine.nproc >= 2) {
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
}

if (flag('readme-from-results')) {
  updateReadme(fs.readFileSync(path.join(BENCH_DIR, 'results.md'), 'utf8'));
  process.exit(0);
}

const fake = await startFakeTwilio();
const startServer = ({ dataDir, logFile, databaseUrl, nodeArgs = [] }) => startNode({
  script: path.join(ROOT, 'dist', 'src', 'main.js'), nodeArgs, logFile, env: serverEnv({ dataDir, fakeUrl: fake.url, databaseUrl, extra: SERVER_ENV }),
});

async function ceiling(name, script) {
  log(`ceiling ${name}`);
  const srv = await startNode({ script: path.join(BENCH_DIR, 'ceilings', script), env: serverEnv({ dataDir: os.tmpdir(), fakeUrl: fake.url }), logFile: path.join(OUT, `${name}.log`) });
  try {
    const feed = new WebhookFeed(srv.publicUrl, { unique: false });
    feed.prepare(SENDERS);
    await closedLoop({ url: srv.url, feed, connections: CFG.connections, durationS: CFG.warmS });
    const cpu0 = srv.cpu();
    const r = await closedLoop({ url: srv.url, feed, connections: CFG.connections, durationS: CFG.maxS });
    const cpu = cpuDelta(cpu0, srv.cpu());
    const coreShare = round(cpu.total / r.seconds, 2);
    const out = {
      msgPerS: round(r.rps, 0), ackP50: r.ackP50, ackP99: r.ackP99, requests: r.requests, ok: r.ok, non2xx: r.non2xx, errors: r.errors,
      cpuUsPerMsg: round((cpu.total * 1e6) / Math.max(1, r.ok), 0), cpuSysShare: cpu.sysShare, coreShare, rssMB: round(srv.rssPeak(), 0),
    };
    log(`  ${out.msgPerS} msg/s, ack p50 ${out.ackP50} ms p99 ${out.ackP99} ms, ${out.cpuUsPerMsg} us CPU/msg`);
    return out;
  } finally {
    await srv.stop();
  }
}

function cpuDelta(a, b) {
  const user = b.user - a.user;
  const sys = b.sys - a.sys;
  return { total: user + sys, sysShare: round(sys / Math.max(0.01, user + sys), 2) };
}

/** Which webhook each reply answers: the sender's latest webhook sent before the reply arrived. */
function attribute(feed, dump) {
  const first = new Float64Array(feed.next).fill(NaN);
  const last = new Float64Array(feed.next).fill(NaN);
  const count = new Uint16Array(feed.next);
  let unmatched = 0;
  for (const [to, times] of Object.entries(dump.replies)) {
    const s = Number(to.slice(5)) - 2_000_000;
    if (!(s >= 0 && s < SENDERS) || !to.startsWith('+1555')) continue; // the template conversation
    for (const t of times) {
      let k = -1;
      for (let seq = s; seq < feed.next; seq += SENDERS) {
        if (feed.sentAt[seq] <= t) k = seq;
        else break;
      }
      if (k < 0) {
        unmatched++;
        continue;
      }
      if (!(first[k] <= t)) first[k] = t;
      if (!(last[k] >= t)) last[k] = t;
      count[k]++;
    }
  }
  return { first, last, count, unmatched };
}

function replyStats(feed, att, pass) {
  const lat = [];
  let answered = 0;
  let replies = 0;
  let lastAt = pass.t0;
  for (let seq = pass.startSeq; seq < pass.endSeq; seq++) {
    if (!(feed.sentAt[seq] > 0)) continue;
    if (att.count[seq]) {
      answered++;
      replies += att.count[seq];
      lat.push(att.first[seq] - feed.sentAt[seq]);
      if (att.last[seq] > lastAt) lastAt = att.last[seq];
    }
  }
  lat.sort((a, b) => a - b);
  const sent = pass.endSeq - pass.startSeq;
  return {
    sent, answered, unanswered: sent - answered, replies,
    replyP50: round(percentile(lat, 50), 1), replyP99: round(percentile(lat, 99), 1), replyMax: round(lat[lat.length - 1], 1),
    // messages acknowledged and answered, per second, from the first webhook to the last reply
    answeredPerS: round(answered / Math.max(0.001, (Math.max(lastAt, pass.t1) - pass.t0) / 1000), 0),
  };
}

/** Waits until the fake API has seen no new reply for `quietMs` (the server caught up). */
async function drain(quietMs = 1500) {
  const t0 = Date.now();
  let n = await fake.count();
  let since = Date.now();
  while (Date.now() - t0 < CFG.drainMaxS * 1000) {
    await sleep(250);
    const m = await fake.count();
    if (m !== n) {
      n = m;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return (Date.now() - t0) / 1000;
}

function logSummary(file) {
  const counts = { turns: 0, warn: 0, error: 0, messages: {} };
  if (!fs.existsSync(file)) return counts;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    let o;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    if (o.msg === 'turn') counts.turns++;
    if (o.level === 'warn' || o.level === 'error' || o.level === 'fatal') {
      counts[o.level === 'warn' ? 'warn' : 'error']++;
      const k = `${o.level}: ${o.msg}`;
      counts.messages[k] = (counts.messages[k] ?? 0) + 1;
    }
  }
  return counts;
}

async function runCase({ name, backend, size, template, ceilingB }) {
  log(`case ${name}: ${backend}, ${size} stored conversations`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `smb-bench-${name}-`));
  const out = { backend, stored: size };
  let databaseUrl;
  try {
    if (backend === 'lowdb') out.seed = await seedLowdb({ dataDir, count: size, template });
    else {
      databaseUrl = await pgFreshDatabase(name);
      out.seed = await seedPg({ databaseUrl, count: size, template, startServer, dataDir });
    }
    newSidRun();
    await fake.reset();
    const logFile = path.join(OUT, `${name}.log`);
    const pgBefore = databaseUrl ? await pgAdmin.stats(name) : null;
    const srv = await startServer({ dataDir, logFile, databaseUrl });
    out.startMs = srv.startMs;
    out.rssAfterStartMB = round(srv.rssNow(), 0);
    const io0 = srv.io();
    let messages = 0;
    try {
      const feed = new WebhookFeed(srv.publicUrl);
      feed.prepare(Math.round((ceilingB?.msgPerS ?? 1500) * (CFG.warmS + CFG.maxS) * 1.2));
      await closedLoop({ url: srv.url, feed, connections: CFG.connections, durationS: CFG.warmS });
      await drain();
      srv.resetRssPeak();
      const cpu0 = srv.cpu();
      const max = await closedLoop({ url: srv.url, feed, connections: CFG.connections, durationS: CFG.maxS });
      const cpuLoad = cpuDelta(cpu0, srv.cpu());
      const drainMax = await drain();
      const cpu = cpuDelta(cpu0, srv.cpu());
      const rMax = replyStats(feed, attribute(feed, await fake.dump()), max);
      out.max = {
        ackedPerS: round(max.rps, 0), ackP50: max.ackP50, ackP99: max.ackP99, ...rMax, non2xx: max.non2xx, errors: max.errors,
        drainS: round(drainMax, 1), cpuUsPerMsg: round((cpu.total * 1e6) / Math.max(1, rMax.answered), 0), cpuSysShare: cpu.sysShare, rssPeakMB: round(srv.rssPeak(), 0),
        // share of its core the server used under full load (< 0.9: waiting on I/O, or other work on core 0)
        coreShare: round(cpuLoad.total / max.seconds, 2),
      };
      out.msgPerS = Math.min(out.max.ackedPerS, out.max.answeredPerS);
      log(`  max: ${out.max.ackedPerS} acked/s, ${out.max.answeredPerS} answered/s, ack p99 ${out.max.ackP99} ms, reply p50/p99 ${out.max.replyP50}/${out.max.replyP99} ms, unanswered ${out.max.unanswered}, ${out.max.cpuUsPerMsg} us CPU/msg, RSS ${out.max.rssPeakMB} MB`);
      const rate = Math.max(1, Math.round(out.msgPerS / 2));
      const half = await paced({ url: srv.url, feed, rate, durationS: CFG.halfS });
      const drainHalf = await drain();
      const rHalf = replyStats(feed, attribute(feed, await fake.dump()), half);
      out.half = {
        rate, ackP50: half.ackP50, ackP99: half.ackP99, ackMax: half.ackMax, ...rHalf, statusCodes: half.statusCodes, errors: half.errors,
        generatorMaxLagMs: half.generatorMaxLagMs, drainS: round(drainHalf, 1),
      };
      out.rssMB = round(srv.rssPeak(), 0);
      log(`  half (${rate}/s): ack p50/p99 ${out.half.ackP50}/${out.half.ackP99} ms, reply p50/p99 ${out.half.replyP50}/${out.half.replyP99} ms, unanswered ${out.half.unanswered}, RSS peak ${out.rssMB} MB`);
      messages = feed.next;
      const io1 = srv.io();
      if (io0 && io1) {
        // per message over the whole life of the server (warm-up, full load, half rate): what durability costs
        out.perMessage = {
          readSyscalls: round((io1.syscr - io0.syscr) / messages, 1), writeSyscalls: round((io1.syscw - io0.syscw) / messages, 1),
          writtenKB: round((io1.wchar - io0.wchar) / 1024 / messages, 1), diskWrittenKB: round((io1.write_bytes - io0.write_bytes) / 1024 / messages, 1),
        };
      }
      if (feed.onTheFly) results.notes.push(`${name}: ${feed.onTheFly} webhooks were signed during the run (pre-signed batch too small)`);
    } finally {
      const s0 = Date.now();
      out.exit = await srv.stop();
      out.stopS = round((Date.now() - s0) / 1000, 1);
      out.log = logSummary(logFile);
    }
    if (pgBefore && messages) {
      await sleep(500);
      const a = await pgAdmin.stats(name);
      out.perMessage = {
        ...out.perMessage,
        pgCommits: round((a.xact_commit - pgBefore.xact_commit) / messages, 1), pgRollbacks: round((a.xact_rollback - pgBefore.xact_rollback) / messages, 1),
        pgRowsUpdated: round((a.tup_updated - pgBefore.tup_updated) / messages, 1), pgRowsFetched: round((a.tup_fetched - pgBefore.tup_fetched) / messages, 1),
        pgBlocksRead: round((a.blks_read - pgBefore.blks_read) / messages, 1), pgBlocksHit: round((a.blks_hit - pgBefore.blks_hit) / messages, 1),
      };
    }
    out.dataDir = dataDir;
    out.databaseUrl = databaseUrl;
    return out;
  } catch (err) {
    trash.push(dataDir);
    throw err;
  }
}

/**
 * Seeded data is removed after the last case, in the background: unlinking 100,000 files takes minutes on some
 * disks (ext4 mounted with `discard`) and would disturb the cases that follow.
 */
const trash = [];
function emptyTrash() {
  if (!trash.length) return;
  const child = spawn('rm', ['-rf', ...trash], { detached: true, stdio: 'ignore' });
  child.unref();
  log(`removing the seeded data in the background (pid ${child.pid}): ${trash.join(' ')}`);
}

/** Re-runs a case's server (same data) under --cpu-prof, at full load or at half rate, and summarises the profile. */
async function profileCase(name, c, mode) {
  log(`profiling ${name} (${mode})`);
  const dir = path.join(OUT, `profile-${name}-${mode}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  newSidRun();
  const window = [0, 0];
  const srv = await startServer({ dataDir: c.dataDir, logFile: path.join(dir, 'server.log'), databaseUrl: c.databaseUrl, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  try {
    const feed = new WebhookFeed(srv.publicUrl);
    feed.prepare(Math.round((c.msgPerS || 500) * (CFG.profileS + 2) * 1.3));
    // a short warm-up (the senders' conversations exist already: their messages continue the case's dialogs)
    await closedLoop({ url: srv.url, feed, connections: CFG.connections, durationS: 1 });
    await drain(800);
    window[0] = monoUs();
    if (mode === 'half') await paced({ url: srv.url, feed, rate: c.half.rate, durationS: CFG.profileS });
    else await closedLoop({ url: srv.url, feed, connections: CFG.connections, durationS: CFG.profileS });
    await drain(800);
    window[1] = monoUs();
  } finally {
    await srv.stop();
  }
  const file = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f))[0];
  if (!file) return { error: 'no profile written' };
  const s = summarizeProfile(file, 15, window);
  log(`  top: ${s.topFunctions.slice(0, 3).map((f) => `${f.name} ${f.pctOfBusy}%`).join(', ')}`);
  return { mode, ...s };
}

let pgAdmin;
async function pgFreshDatabase(name) {
  return pgAdmin.fresh(name);
}

// ---------------------------------------------------------------------------------------------------------------
const t0 = Date.now();
try {
  if (wants('understanding')) results.understanding = understandingCost();
  if (wants('bare-express')) results.ceilings['bare-express'] = await ceiling('bare-express', 'bareExpress.mjs');
  if (wants('bare-botbuilder')) results.ceilings['bare-botbuilder'] = await ceiling('bare-botbuilder', 'bareBotbuilder.mjs');
  const ceilingB = results.ceilings['bare-botbuilder'];

  const caseNames = ['lowdb-1k', 'lowdb-100k', 'pg-1k', 'pg-100k'].filter(wants);
  let template;
  if (caseNames.length) {
    template = await makeTemplate({ startServer, fake });
    results.template = { turns: template.turns, outbound: template.outbound, jsonBytes: template.bytes };
    log(`template conversation: ${template.turns} messages, ${template.outbound} replies, ${template.bytes} bytes of JSON`);
  }
  const pg = caseNames.some((n) => n.startsWith('pg')) ? await pgAvailability() : { available: false };
  if (pg.available) pgAdmin = pg;
  for (const name of caseNames) {
    const backend = name.startsWith('pg') ? 'postgresql' : 'lowdb';
    const size = CFG.sizes[name.split('-')[1]];
    if (backend === 'postgresql' && !pg.available) {
      results.cases[name] = { backend, stored: size, notAvailable: pg.reason };
      log(`case ${name}: not available (${pg.reason})`);
      continue;
    }
    let c;
    try {
      c = await runCase({ name, backend, size, template, ceilingB });
    } catch (err) {
      results.cases[name] = { backend, stored: size, notAvailable: `failed: ${String(err?.message ?? err).split('\n')[0]}` };
      log(`case ${name} failed: ${err?.stack ?? err}`);
      if (backend === 'postgresql') await pg.drop(name).catch(() => undefined);
      continue;
    }
    results.cases[name] = c;
    // targets that can be judged now; a miss gets a profile of this case while its data is still there
    const small = results.cases[name.replace(/-\d+k$/, '-1k')];
    const misses = [];
    if (ceilingB && c.msgPerS / ceilingB.msgPerS < TARGETS.vsBotbuilder) misses.push('max');
    if (c.half.ackP99 >= TARGETS.halfRateP99Ms) misses.push('half');
    if (name.endsWith('100k') && small?.msgPerS && c.msgPerS / small.msgPerS < TARGETS.bigVsSmall && !misses.includes('max')) misses.push('max');
    if (name === 'lowdb-100k' && c.rssMB > TARGETS.rssMB && !misses.includes('max')) misses.push('max');
    if (flag('profile') && !misses.includes('max')) misses.push('max');
    if (!flag('no-profile')) {
      for (const mode of misses) {
        try {
          results.profiles[`${name} ${mode}`] = await profileCase(name, c, mode);
        } catch (err) {
          results.profiles[`${name} ${mode}`] = { error: String(err?.message ?? err) };
        }
      }
    }
    if (c.dataDir) trash.push(c.dataDir);
    delete c.dataDir;
    delete c.databaseUrl;
    if (pg.available && backend === 'postgresql') await pg.drop(name).catch(() => undefined);
  }
} finally {
  await fake.close();
  if (pgAdmin) await pgAdmin.close().catch(() => undefined);
  emptyTrash();
}
results.seconds = Math.round((Date.now() - t0) / 1000);
results.machine.loadAvgAtEnd = os.loadavg().map((x) => round(x, 2));
results.targets = judge(results);

fs.writeFileSync(path.join(BENCH_DIR, 'results.json'), JSON.stringify(results, null, 2) + '\n');
const md = markdown(results);
fs.writeFileSync(path.join(BENCH_DIR, 'results.md'), md);
if (flag('update-readme')) updateReadme(md);
log(`done in ${results.seconds} s: bench/results.json, bench/results.md`);
process.stdout.write(md);

// ---------------------------------------------------------------------------------------------------------------
/** bench/understanding.mjs in its own process on the server's core: CPU per message of understanding */
function understandingCost() {
  log('understanding: the topic model, the danger and language detectors, the whole turn (typical and 4,096 characters)');
  try {
    const argv = [...(TASKSET ? ['-c', '0', process.execPath] : []), path.join(BENCH_DIR, 'understanding.mjs')];
    const out = execFileSync(TASKSET ? 'taskset' : process.execPath, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
    return JSON.parse(out.trim().split('\n').at(-1));
  } catch (err) {
    return { error: String(err?.message ?? err).split('\n')[0] };
  }
}

function judge(r) {
  const b = r.ceilings['bare-botbuilder'];
  const t = [];
  const ratio = (x, y) => (x && y ? round(x / y, 2) : null);
  for (const backend of ['lowdb', 'postgresql']) {
    const pre = backend === 'lowdb' ? 'lowdb' : 'pg';
    const s = r.cases[`${pre}-1k`];
    const l = r.cases[`${pre}-100k`];
    const na = (c) => !c || c.notAvailable;
    for (const [label, c] of [['1k', s], ['100k', l]]) {
      t.push({
        target: `${backend} ${label}: full pipeline msg/s / bare botbuilder msg/s`, want: `>= ${TARGETS.vsBotbuilder}`,
        value: na(c) || !b ? null : ratio(c.msgPerS, b.msgPerS), detail: na(c) || !b ? 'not available' : `${c.msgPerS} / ${b.msgPerS}`,
      });
    }
    t.push({
      target: `${backend}: msg/s at 100k / msg/s at 1k conversations`, want: `>= ${TARGETS.bigVsSmall}`,
      value: na(s) || na(l) ? null : ratio(l.msgPerS, s.msgPerS), detail: na(s) || na(l) ? 'not available' : `${l.msgPerS} / ${s.msgPerS}`,
    });
    for (const [label, c] of [['1k', s], ['100k', l]]) {
      t.push({
        target: `${backend} ${label}: p99 acknowledgement at half the max rate (ms)`, want: `< ${TARGETS.halfRateP99Ms}`,
        value: na(c) ? null : c.half.ackP99, detail: na(c) ? 'not available' : `at ${c.half.rate} msg/s`,
      });
    }
  }
  const l = r.cases['lowdb-100k'];
  t.push({ target: 'lowdb 100k: server RSS (MB)', want: `<= ${TARGETS.rssMB}`, value: l && !l.notAvailable ? l.rssMB : null, detail: l ? 'peak VmRSS during the case' : 'not run' });
  for (const x of t) {
    if (x.value === null) x.met = null;
    else if (x.want.startsWith('>=')) x.met = x.value >= Number(x.want.slice(3));
    else if (x.want.startsWith('<=')) x.met = x.value <= Number(x.want.slice(3));
    else x.met = x.value < Number(x.want.slice(2));
  }
  return t;
}

function markdown(r) {
  const m = r.machine;
  const L = [];
  L.push(`Run ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC on ${m.nproc} cores (${m.cpu}), Node ${m.node}, ${m.memGB} GB RAM;`);
  L.push(`load average (1/5/15 min) ${m.loadAvgAtStart.join(' / ')} at start, ${m.loadAvgAtEnd.join(' / ')} at the end${r.quick ? ' (QUICK run: short passes, smaller "100k" case)' : ''}. Server pinned to core 0, load`);
  L.push(`generator and fake Twilio API on core 1; ${r.config.connections} connections, ${r.config.maxS} s per pass after ${r.config.warmS} s of warm-up,`);
  L.push(`${r.config.senders.toLocaleString('en')} senders; whole run ${r.seconds} s.${r.config.serverEnv ? ` Server environment: ${Object.entries(r.config.serverEnv).map(([k, v]) => `${k}=${v}`).join(' ')}.` : ''}`);
  L.push('');
  L.push('| case | msg/s | ack p50 / p99 (ms) | reply p50 / p99 (ms) | at half rate: msg/s, ack p50 / p99, reply p50 / p99 (ms) | CPU us/msg (core used) | RSS MB |');
  L.push('|---|---:|---|---|---|---:|---:|');
  for (const [name, c] of Object.entries(r.ceilings)) {
    L.push(`| ceiling: ${name === 'bare-express' ? 'bare Express 5 + signature' : 'bare botbuilder turn (MemoryStorage)'} | ${c.msgPerS} | ${c.ackP50} / ${c.ackP99} | - | - | ${c.cpuUsPerMsg} (${c.coreShare}) | ${c.rssMB} |`);
  }
  for (const [name, c] of Object.entries(r.cases)) {
    const label = `${c.backend === 'lowdb' ? 'lowdb' : 'PostgreSQL'}, ${c.stored.toLocaleString('en')} conversations`;
    if (c.notAvailable) {
      L.push(`| ${label} | not available | | | | | |`);
      continue;
    }
    const x = c.max;
    const h = c.half;
    const miss = x.unanswered ? ` (${x.unanswered} unanswered)` : '';
    L.push(`| ${label} | ${c.msgPerS}${miss} | ${x.ackP50} / ${x.ackP99} | ${x.replyP50} / ${x.replyP99} | ${h.rate}: ${h.ackP50} / ${h.ackP99}, ${h.replyP50} / ${h.replyP99}${h.unanswered ? ` (${h.unanswered} unanswered)` : ''} | ${x.cpuUsPerMsg} (${x.coreShare}) | ${c.rssMB} |`);
  }
  L.push('');
  L.push('msg/s for the server: webhooks acknowledged (200) and answered (a reply reached the fake Twilio API), per second from');
  L.push('the first webhook of the pass to the last reply. ack: webhook round trip. reply: webhook sent to first reply received.');
  const per = Object.entries(r.cases).filter(([, c]) => c.perMessage);
  if (per.length) {
    L.push('');
    L.push('Per message, over the server\'s whole life in the case (from `/proc/<pid>/io` and `pg_stat_database`):');
    L.push('');
    for (const [name, c] of per) {
      const p = c.perMessage;
      const pgPart = p.pgCommits !== undefined
        ? `; PostgreSQL ${p.pgCommits} commits + ${p.pgRollbacks} rollbacks, ${p.pgRowsUpdated} rows updated, ${p.pgRowsFetched} rows fetched, ${p.pgBlocksHit} buffer hits + ${p.pgBlocksRead} reads`
        : '';
      L.push(`- ${name}: ${p.readSyscalls} read and ${p.writeSyscalls} write syscalls, ${p.diskWrittenKB} KB written to disk by the server${pgPart}`);
    }
  }
  L.push('');
  L.push('| target | wanted | measured | met |');
  L.push('|---|---|---|---|');
  for (const t of r.targets) L.push(`| ${t.target} | ${t.want} | ${t.value ?? '-'} (${t.detail}) | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  const profiles = Object.entries(r.profiles);
  const u = r.understanding;
  if (u) {
    L.push('');
    L.push('### Understanding a message (CPU per message, one core)');
    L.push('');
    if (u.error) L.push(`not measured: ${u.error}`);
    else {
      L.push(`${u.messages.typical} typical messages (the evaluation sets) and ${u.messages.long} of ${u.messages.longChars} characters; the topic model ready in ${u.trainCpuMs} ms of CPU (trained, or read from its cache on disk when one exists).`);
      L.push('');
      L.push('| | typical (us) | 4,096 characters (us) |');
      L.push('|---|---:|---:|');
      for (const [k, label] of [['topicModel', 'topic model alone'], ['dangerDetector', 'danger detector alone'], ['languageDetector', 'language detector alone']]) {
        L.push(`| ${label} | ${u.aloneUsPerMessage[k].typical} | ${u.aloneUsPerMessage[k].long} |`);
      }
      L.push(`| whole turn (webhook, store, bot, reply; in-process, dry-run) | ${u.turnUsPerMessage.typical} | ${u.turnUsPerMessage.long} |`);
    }
  }
  if (profiles.length) {
    L.push('');
    L.push('### Where the time goes (CPU profiles of missed targets)');
    for (const [key, p] of profiles) {
      L.push('');
      if (p.error) {
        L.push(`${key}: ${p.error}`);
        continue;
      }
      L.push(`**${key}** (${p.mode === 'half' ? 'at half rate' : 'at full load'}, ${p.window}; ${p.busyMs} ms busy of ${p.totalMs} ms sampled; \`${p.file}\`)`);
      L.push('');
      L.push('| area | % of busy |   | function (self time) | % of busy |');
      L.push('|---|---:|---|---|---:|');
      const n = Math.max(p.areas.length, 12);
      for (let i = 0; i < Math.min(n, 12); i++) {
        const a = p.areas[i];
        const f = p.topFunctions[i];
        L.push(`| ${a ? a.name : ''} | ${a ? a.pctOfBusy : ''} | | ${f ? '`' + f.name.replaceAll('|', '\\|') + '`' : ''} | ${f ? f.pctOfBusy : ''} |`);
      }
    }
  }
  const notes = [...r.notes];
  for (const [name, c] of Object.entries(r.cases)) {
    if (c.log?.error) notes.push(`${name}: ${c.log.error} error lines in the server log (${Object.keys(c.log.messages).join('; ')})`);
    if (c.max?.non2xx || c.max?.errors) notes.push(`${name}: ${c.max.non2xx} non-200 answers, ${c.max.errors} connection errors at full load`);
  }
  if (notes.length) {
    L.push('');
    for (const n of notes) L.push(`- ${n}`);
  }
  return L.join('\n') + '\n';
}

function updateReadme(md) {
  const file = path.join(ROOT, 'README.md');
  const text = fs.readFileSync(file, 'utf8');
  const a = '<!-- bench:results:begin -->';
  const b = '<!-- bench:results:end -->';
  const i = text.indexOf(a);
  const j = text.indexOf(b);
  if (i < 0 || j < i) {
    log('README.md has no bench markers; not updated');
    return;
  }
  // the profile tables stay in bench/results.md
  const k = md.indexOf('\n### Where the time goes');
  const table = k >= 0 ? md.slice(0, k) + '\nCPU profiles of the missed targets: `bench/results.md`.\n' : md;
  fs.writeFileSync(file, text.slice(0, i + a.length) + '\n' + table + text.slice(j));
  log('README.md benchmark table updated');
}

