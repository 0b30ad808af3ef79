// Shared pieces of the benchmark: keys and numbers the server gets, signed webhook bodies, statistics, machine facts.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH_DIR);
export const require = createRequire(path.join(ROOT, 'package.json'));
export const twilio = require('twilio');

export const SID = 'AC' + '0123456789abcdef'.repeat(2);
export const TOKEN = 'bench-auth-token-0000000000000001';
export const SMS_NUMBER = '+15005550006';
export const WA_NUMBER = '+15005550007';
// fixed keys: the seeder and the server must agree (never used outside the benchmark)
export const PSEUDONYM_KEY = 'bench-pseudonym-key-'.padEnd(64, '0');
export const DATA_ENCRYPTION_KEY = 'bench:' + 'ab'.repeat(32);

export const SENDERS = 10_000;
/** the load's senders (+1555 2xxxxxx) never collide with seeded conversations (+1666 xxxxxxx) */
export const senderAddress = (i) => `+1555${String(2_000_000 + (i % SENDERS)).padStart(7, '0')}`;
export const seededAddress = (j) => `+1666${String(j).padStart(7, '0')}`;
/**
 * What a sender writes on its n-th message: a greeting (new conversation: welcome + menu, 2 replies), then topics
 * from the main menu (text + follow-up menu) alternating with "menu". Never "1"/"2" (danger/person: a handoff).
 */
const SCRIPT = ['hello', '5', 'menu', '7', 'menu', '3', 'menu', '6', 'menu', '8', 'menu', '9', 'menu', '4'];
export const bodyFor = (round) => (round === 0 ? SCRIPT[0] : SCRIPT[1 + ((round - 1) % (SCRIPT.length - 1))]);

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => performance.timeOrigin + performance.now();

let sidRun = (Date.now() % 0xffffffff).toString(16).padStart(8, '0');
/** The form Twilio posts for an inbound SMS, signed against the server's PUBLIC_URL. */
export function signedInbound(publicUrl, seq, { from = senderAddress(seq), body = bodyFor(Math.floor(seq / SENDERS)), token = TOKEN } = {}) {
  const sid = 'SM' + sidRun + String(seq).padStart(24, '0');
  const p = {
    ToCountry: 'US', ToState: '', SmsMessageSid: sid, NumMedia: '0', ToCity: '', FromZip: '', SmsSid: sid, FromState: '',
    SmsStatus: 'received', FromCity: '', Body: body, FromCountry: 'US', To: SMS_NUMBER, ToZip: '', NumSegments: '1',
    MessageSid: sid, AccountSid: SID, From: from, ApiVersion: '2010-04-01',
  };
  const url = publicUrl + '/twilio/messages';
  return { from, body: new URLSearchParams(p).toString(), signature: twilio.getExpectedTwilioSignature(token, url, p) };
}
export function newSidRun() {
  sidRun = (Math.floor(Math.random() * 0xffffffff)).toString(16).padStart(8, '0');
}

export function percentile(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
export const round = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

export function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const model = (cpuinfo.match(/^model name\s*:\s*(.*)$/m) ?? [])[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const nproc = (() => {
    try {
      return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
    } catch {
      return os.availableParallelism?.() ?? os.cpus().length;
    }
  })();
  return {
    nproc, cpu: model.trim(), node: process.version, os: `${os.type()} ${os.release()}`,
    memGB: round(os.totalmem() / 2 ** 30, 1), loadAvgAtStart: os.loadavg().map((x) => round(x, 2)),
  };
}

export function rssMB(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds a process used so far, user and system (utime, stime from /proc/<pid>/stat, 100 ticks/s). */
export function cpuSeconds(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]) / 100, sys: Number(f[12]) / 100 };
  } catch {
    return { user: NaN, sys: NaN };
  }
}

export function log(...a) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${a.join(' ')}\n`);
}

/** I/O counters of a process (/proc/<pid>/io): syscalls and bytes, and bytes that reached the block layer. */
export function ioCounters(pid) {
  try {
    const o = {};
    for (const line of fs.readFileSync(`/proc/${pid}/io`, 'utf8').split('\n')) {
      const [k, v] = line.split(':');
      if (v !== undefined) o[k.trim()] = Number(v.trim());
    }
    return o;
  } catch {
    return null;
  }
}
