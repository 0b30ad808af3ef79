import { randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import type { DryRunMessagesApi } from '../channels/twilio/dryRunMessagesApi';
import { signLikeTwilio } from '../channels/twilio/twilioSignature';
import { consoleLanguage, pageShell } from './consoleRoutes';

export interface SimulatorRoutesDeps {
  dryRun: DryRunMessagesApi;
  authToken: () => string;
  publicUrl: () => string;
  /** the number users write to, per channel (a placeholder when none is configured) */
  to: { sms: string; whatsapp: string };
  translator: { t(lng: string, key: string): string; bundle(lng: string, ns: 'ui' | 'console'): Record<string, unknown> };
}

const sendBody = z.object({
  channel: z.enum(['sms', 'whatsapp']),
  from: z.string().regex(/^\+[1-9]\d{6,14}$/),
  body: z.string().min(1).max(1600),
});

/** A request from this machine (the simulator, like /dev/outbox, is for a developer's own browser). */
export function isLoopback(remoteAddress: string | undefined): boolean {
  return /^(::1$|127\.|::ffff:127\.)/.test(remoteAddress ?? '');
}

/**
 * From this machine, and addressed to this server by a name that means it: the Host header is PUBLIC_URL's host
 * or a loopback name. A page on another site that rebinds its own name to 127.0.0.1 (DNS rebinding) sends its
 * own name as Host, and is refused.
 */
export function isLocalRequest(req: { socket: { remoteAddress?: string }; headers: { host?: string } }, publicUrl: string): boolean {
  if (!isLoopback(req.socket.remoteAddress)) return false;
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  let publicHost = '';
  try {
    publicHost = new URL(publicUrl).hostname.toLowerCase();
  } catch {
    publicHost = '';
  }
  return ['localhost', '127.0.0.1', '[::1]', publicHost].includes(host);
}

/**
 * Dry-run only, never in production (the app mounts it only then): /simulator lets a developer write as an SMS or WhatsApp user. A message goes through the real
 * webhook, signed exactly as Twilio would sign it, over HTTP to this same server; replies are read from the
 * dry-run record. No message ever reaches a phone. It answers loopback requests only: anyone who can reach it can
 * post signed webhooks as any number.
 */
export function simulatorRoutes(d: SimulatorRoutesDeps): Router {
  for (const k of ['dryRun', 'authToken', 'publicUrl', 'to', 'translator'] as const) if (!d[k]) throw new Error(`simulatorRoutes(): ${k} is required`);
  const r = Router();
  const json = express.json({ limit: '16kb' });

  r.use('/simulator', (req, res, next) => {
    if (isLocalRequest(req, d.publicUrl())) return next();
    res.status(403).type('text/plain').send('Forbidden: this machine only');
  });

  r.get('/simulator', (req, res) => {
    const lang = consoleLanguage(req);
    res.set('Cache-Control', 'no-store').type('html').send(pageShell({
      lang, title: d.translator.t(lang, 'console:simulator.title'), bundle: d.translator.bundle(lang, 'console'), script: 'simulator.js', bodyClass: 'simulator',
    }));
  });

  r.post('/simulator/api/send', json, async (req, res, next) => {
    try {
      // same-origin JSON only: a page elsewhere cannot make this server post webhooks for it
      if (!req.is('application/json')) {
        res.status(415).json({ error: 'bad_request' });
        return;
      }
      const p = sendBody.safeParse(req.body ?? {});
      if (!p.success) {
        res.status(400).json({ error: 'bad_request' });
        return;
      }
      const { channel, from, body } = p.data;
      const prefix = channel === 'whatsapp' ? 'whatsapp:' : '';
      const params: Record<string, string> = {
        MessageSid: 'SM' + randomBytes(16).toString('hex'),
        AccountSid: 'AC' + '0'.repeat(32),
        From: prefix + from,
        To: prefix + d.to[channel],
        Body: body,
        NumMedia: '0',
      };
      const signature = signLikeTwilio(d.authToken(), d.publicUrl() + '/twilio/messages', params);
      const local = `http://127.0.0.1:${req.socket.localPort}/twilio/messages`;
      const answer = await fetch(local, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: new URLSearchParams(params).toString(),
      });
      res.set('Cache-Control', 'no-store').status(answer.ok ? 200 : 502).json({ status: answer.status, address: params.From, at: Date.now() });
    } catch (err) {
      next(err);
    }
  });

  r.get('/simulator/api/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : '';
    const after = Number(req.query.after ?? 0) || 0;
    res.set('Cache-Control', 'no-store').json(d.dryRun.to(to, after).map((m) => ({ sid: m.sid, at: m.at, body: m.body ?? '', contentSid: m.contentSid })));
  });

  return r;
}
