import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { SID, SMS_NUMBER, TOKEN, WA_NUMBER } from './testApp';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Builds the server the way `npm run build` does (swc src and dialogs), into a directory of this test process
 * under test-artifacts/ rather than the shared dist/, which `npm start` elsewhere may rebuild in the middle of a
 * test. Returns the directory; `removeServerBuild` deletes it. (Found from there: locales/ and node_modules/ of
 * the project root, as from dist/.)
 */
export function buildServer(): string {
  const outDir = path.join(ROOT, 'test-artifacts', `server-build-${process.pid}`);
  execFileSync('npx', ['swc', 'src', 'dialogs', '-d', outDir, '--quiet'], { cwd: ROOT, stdio: 'pipe', timeout: 60000 });
  return outDir;
}

export function removeServerBuild(outDir: string): void {
  fs.rmSync(outDir, { recursive: true, force: true });
}

export interface ChildServer {
  url: string;
  pid: number;
  /** stdout JSON log lines, parsed, as they arrive */
  lines: Array<Record<string, unknown>>;
  /** every stdout and stderr line, raw */
  raw: string[];
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  turns(): Array<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
  /** POSTs a form signed for this server's public URL; connection failures reject */
  post(pathAndQuery: string, params: Record<string, string>): Promise<number>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `node <build>/src/main.js` as its own process on a free port, its REST calls going to the fake Twilio at
 * `fakeUrl`, its data in `dataDir`; resolves once GET /healthz answers 200. The environment is built from
 * scratch so nothing of the test runner's (e.g. DATABASE_URL) leaks in.
 */
export async function startChildServer(opts: { build: string; dataDir: string; fakeUrl: string; env?: Record<string, string>; readyMs?: number }): Promise<ChildServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [path.join(opts.build, 'src', 'main.js')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', PORT: String(port), PUBLIC_URL: url, DATA_DIR: opts.dataDir,
      LOG_LEVEL: 'info', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_SMS_NUMBER: SMS_NUMBER, TWILIO_WHATSAPP_NUMBER: WA_NUMBER,
      TWILIO_API_BASE_URL: opts.fakeUrl, ...opts.env,
    },
  });
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      raw.push(line);
      try {
        const o = JSON.parse(line);
        if (o && typeof o === 'object') lines.push(o);
      } catch {
        // not a JSON line
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => raw.push(...d.split('\n').filter(Boolean)));
  let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve((status = { code, signal })));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const post = (pathAndQuery: string, params: Record<string, string>) =>
    new Promise<number>((resolve, reject) => {
      const body = new URLSearchParams(params).toString();
      const req = http.request(url + pathAndQuery, {
        method: 'POST', agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
          'x-twilio-signature': twilio.getExpectedTwilioSignature(TOKEN, url + pathAndQuery, params),
        },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const t0 = Date.now();
  for (;;) {
    if (status) throw new Error(`child server exited (${status.code ?? status.signal}) before it was ready:\n${raw.slice(-20).join('\n')}`);
    if (Date.now() - t0 > (opts.readyMs ?? 30000)) {
      child.kill('SIGKILL');
      throw new Error(`child server not ready: GET /healthz never answered 200\n${raw.slice(-20).join('\n')}`);
    }
    const ok = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    await sleep(50);
  }
  void exited.then(() => agent.destroy());
  return {
    url, pid: child.pid!, lines, raw, exited, post,
    turns: () => lines.filter((o) => o.msg === 'turn'),
    kill: (signal) => {
      if (!status) child.kill(signal);
    },
  };
}
