import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { loadConfig } from '../../src/config/config';
import { createApp, type App } from '../../src/app';

export const SID = 'AC' + '0123456789abcdef'.repeat(2);
export const TOKEN = 'test-auth-token-0123456789abcdef';
export const SMS_NUMBER = '+15005550006';
export const WA_NUMBER = '+15005550007';

export interface Running {
  app: App;
  url: string;
  dataDir: string;
  logs: string[];
  turns(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The real app, in-process on port 0; logs captured as JSON lines. */
export async function startApp(env: Record<string, string> = {}, opts: { dataDir?: string; now?: () => number } = {}): Promise<Running> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'smb-test-'));
  const logs: string[] = [];
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '0', ...env });
  const app = await createApp(config, { logDestination: { write: (s: string) => void logs.push(...s.split('\n').filter(Boolean)) }, now: opts.now });
  const { url } = await app.listen(0, '127.0.0.1');
  return {
    app, url, dataDir, logs,
    turns: () => logs.map((l) => JSON.parse(l)).filter((o) => o.msg === 'turn'),
    close: () => app.close(),
  };
}

export function withTwilio(fakeUrl: string): Record<string, string> {
  return { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_SMS_NUMBER: SMS_NUMBER, TWILIO_WHATSAPP_NUMBER: WA_NUMBER, TWILIO_API_BASE_URL: fakeUrl };
}

let counter = 0;
export function messageSid(): string {
  return 'SM' + randomBytes(14).toString('hex') + String(++counter % 10000).padStart(4, '0');
}

export function inboundForm(from: string, body: string, channel: 'sms' | 'whatsapp' = 'sms', extra: Record<string, string> = {}): Record<string, string> {
  const wa = channel === 'whatsapp';
  const sid = messageSid();
  return {
    MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, AccountSid: SID, From: wa ? `whatsapp:${from}` : from, To: wa ? `whatsapp:${WA_NUMBER}` : SMS_NUMBER,
    Body: body, NumMedia: '0', NumSegments: '1', ApiVersion: '2010-04-01', ...(wa ? { WaId: from.replace('+', ''), ProfileName: 'Test User' } : {}), ...extra,
  };
}

/** POSTs a form signed the way Twilio signs it, with the twilio package's own function. */
export async function postSigned(app: Running, pathAndQuery: string, params: Record<string, string>, opts: { token?: string; signature?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string; type: string | null }> {
  const publicUrl = app.app.publicUrl() + pathAndQuery;
  const sig = opts.signature ?? twilio.getExpectedTwilioSignature(opts.token ?? app.app.authToken, publicUrl, params);
  const res = await fetch(app.url + pathAndQuery, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig, ...(opts.headers ?? {}) },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

export async function settle(app: Running): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await app.app.worker.idle();
    await app.app.sender.idle();
  }
}

export async function waitFor<T>(fn: () => T | undefined | null | false, ms = 10000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fake Twilio API and the real app pointed at it, closed together. */
export async function startWithFakeTwilio(env: Record<string, string> = {}): Promise<{ fake: import('./fakeTwilio').FakeTwilio; app: Running; close(): Promise<void> }> {
  const { startFakeTwilio } = await import('./fakeTwilio');
  const fake = await startFakeTwilio();
  const app = await startApp({ ...withTwilio(fake.url), ...env });
  return { fake, app, close: async () => { await app.close(); await fake.close(); } };
}
