import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local fake of Twilio's Messages API (the edge of the system): records every message the real twilio SDK
 * creates, lists them (GET, for reconciliation), deletes them, and can inject faults.
 */
export interface FakeMessage {
  sid: string;
  To: string;
  From: string;
  Body?: string;
  ContentSid?: string;
  StatusCallback?: string;
  auth?: string;
  at: number;
}

export type Fault = { status: number; code?: number; retryAfter?: number } | { reset: 'before' | 'after' } | null;

export interface FakeTwilio {
  url: string;
  messages: FakeMessage[];
  deletes: string[];
  requests: number;
  setFault(f: (params: Record<string, string>, n: number) => Fault): void;
  to(address: string): FakeMessage[];
  close(): Promise<void>;
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const messages: FakeMessage[] = [];
  const deletes: string[] = [];
  let fault: (params: Record<string, string>, n: number) => Fault = () => null;
  let n = 0;
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      state.requests++;
      const url = new URL(req.url ?? '/', 'http://x');
      const m = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages(?:\/([^/.]+))?\.json$/);
      const json = (status: number, obj: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (!m) return json(404, { code: 20404, message: 'not found', status: 404 });
      if (req.method === 'DELETE') {
        deletes.push(m[2]);
        const i = messages.findIndex((x) => x.sid === m[2]);
        if (i >= 0) messages.splice(i, 1);
        res.writeHead(204);
        return res.end();
      }
      if (req.method === 'GET') {
        const to = url.searchParams.get('To');
        const from = url.searchParams.get('From');
        const list = messages.filter((x) => (!to || x.To === to) && (!from || x.From === from));
        return json(200, {
          messages: list.map((x) => ({ sid: x.sid, to: x.To, from: x.From, body: x.Body ?? '', status: 'sent', account_sid: m[1] })),
          page: 0, page_size: 100, first_page_uri: url.pathname, next_page_uri: null, uri: url.pathname,
        });
      }
      const params = Object.fromEntries(new URLSearchParams(body));
      const f = fault(params, messages.length);
      if (f && 'reset' in f) {
        if (f.reset === 'after') record(params, req.headers.authorization);
        req.socket.destroy();
        return;
      }
      if (f) {
        res.writeHead(f.status, { 'content-type': 'application/json', ...(f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {}) });
        return res.end(JSON.stringify({ code: f.code ?? 20500, message: 'injected', status: f.status }));
      }
      const msg = record(params, req.headers.authorization);
      json(201, { sid: msg.sid, account_sid: m[1], status: 'queued', to: msg.To, from: msg.From, body: msg.Body ?? '', num_segments: '1' });
    });
  });
  function record(params: Record<string, string>, auth?: string): FakeMessage {
    const msg: FakeMessage = { sid: 'SM' + String(++n).padStart(32, '0'), To: params.To, From: params.From, Body: params.Body, ContentSid: params.ContentSid, StatusCallback: params.StatusCallback, auth, at: Date.now() };
    messages.push(msg);
    return msg;
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    deletes,
    get requests() {
      return state.requests;
    },
    setFault: (f) => (fault = f),
    to: (address) => messages.filter((x) => x.To === address),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
