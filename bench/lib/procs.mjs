// Child processes of the benchmark: the server under test (pinned to core 0), the fake Twilio API.
import { spawn, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, ROOT, SID, TOKEN, SMS_NUMBER, WA_NUMBER, PSEUDONYM_KEY, DATA_ENCRYPTION_KEY, freePort, sleep, rssMB, cpuSeconds, ioCounters } from './common.mjs';

export const TASKSET = (() => {
  try {
    return fs.existsSync('/usr/bin/taskset') || fs.existsSync('/bin/taskset') ? 'taskset' : null;
  } catch {
    return null;
  }
})();

/** Starts `node <args>` on core 0 (when taskset exists); resolves once GET /healthz answers 200. */
export async function startNode({ script, args = [], env = {}, nodeArgs = [], logFile, core = '0', readyPath = '/healthz', timeoutMs = 60_000 }) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const cmd = TASKSET ? 'taskset' : process.execPath;
  const argv = [...(TASKSET ? ['-c', core, process.execPath] : []), ...nodeArgs, script, ...args];
  const out = logFile ? fs.openSync(logFile, 'w') : 'ignore';
  const child = spawn(cmd, argv, {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: { ...process.env, PORT: String(port), PUBLIC_URL: publicUrl, ...env },
  });
  if (typeof out === 'number') fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, sig) => (exited = code ?? sig));
  const t0 = Date.now();
  for (;;) {
    if (exited !== null) throw new Error(`${path.basename(script)} exited (${exited}) before it was ready${logFile ? `; see ${logFile}` : ''}`);
    try {
      const r = await fetch(publicUrl + readyPath);
      if (r.status === 200) break;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${path.basename(script)} not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
  const startMs = Date.now() - t0;
  // with taskset the pid is node's own (taskset execs it)
  const pid = child.pid;
  const rss = { samples: [], timer: null };
  rss.timer = setInterval(() => {
    const v = rssMB(pid);
    if (v !== null) rss.samples.push(v);
  }, 250);
  rss.timer.unref();
  return {
    pid, port, publicUrl, url: `${publicUrl}/twilio/messages`, startMs, child,
    rssNow: () => rssMB(pid),
    cpu: () => cpuSeconds(pid),
    io: () => ioCounters(pid),
    rssPeak: () => Math.max(0, ...rss.samples),
    resetRssPeak: () => (rss.samples = []),
    exited: () => exited,
    async stop(signal = 'SIGTERM', waitMs = 25_000) {
      clearInterval(rss.timer);
      if (exited !== null) return exited;
      const done = new Promise((r) => child.once('exit', (code, sig) => r(code ?? sig)));
      child.kill(signal);
      const t = setTimeout(() => exited === null && child.kill('SIGKILL'), waitMs);
      const code = await done;
      clearTimeout(t);
      return code;
    },
  };
}

export function serverEnv({ dataDir, fakeUrl, databaseUrl, extra = {} }) {
  return {
    NODE_ENV: 'production', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_SMS_NUMBER: SMS_NUMBER,
    TWILIO_WHATSAPP_NUMBER: WA_NUMBER, TWILIO_API_BASE_URL: fakeUrl, DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_PRETTY: 'false',
    PSEUDONYM_KEY, DATA_ENCRYPTION_KEY, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }), ...extra,
  };
}

/** The fake Twilio API in its own process (same core as the load generator). */
export async function startFakeTwilio() {
  const child = fork(path.join(BENCH_DIR, 'lib', 'fakeTwilio.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const first = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (c) => reject(new Error(`fake Twilio exited ${c}`)));
  });
  let chain = Promise.resolve();
  const ask = (cmd) => {
    const p = chain.then(() => new Promise((resolve) => {
      child.once('message', resolve);
      child.send({ cmd });
    }));
    chain = p.catch(() => undefined);
    return p;
  };
  return {
    url: `http://127.0.0.1:${first.port}`,
    reset: () => ask('reset'),
    count: async () => (await ask('count')).count,
    dump: () => ask('dump'),
    close: () => new Promise((r) => {
      child.once('exit', r);
      child.disconnect();
    }),
  };
}
