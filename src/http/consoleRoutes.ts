import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import { z } from 'zod';
import type { ConversationDoc, Priority } from '../domain/conversation';
import type { ConversationStore, ConversationSummary } from '../domain/conversationStore';
import { HandoffError, PRIORITY_RANK, type HandoffService } from '../handoff/handoffService';
import { ConsoleAccounts, type SessionInfo } from '../console/accounts';
import type { ConsoleEvents, ConsoleEvent } from '../console/consoleEvents';
import { outboxCollector, pushTranscript } from '../conversation/turnWorker';
import type { Logger } from '../logging/logger';

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60_000;
/** the same person opening the same conversation again within this time is one `view` in the audit log */
const VIEW_AUDIT_MS = 10 * 60_000;
const CONSOLE_LANGUAGES = ['en', 'fr'];
const STATIC_FILES: Record<string, string> = { 'page.js': 'text/javascript', 'console.js': 'text/javascript', 'console.css': 'text/css', 'simulator.js': 'text/javascript' };

export interface ConsoleRoutesDeps {
  accounts: ConsoleAccounts;
  store: ConversationStore;
  handoff: HandoffService;
  events: ConsoleEvents;
  translator: { t(lng: string, key: string, vars?: Record<string, string | number>): string; bundle(lng: string, ns: 'ui' | 'console'): Record<string, unknown> };
  /** erases one conversation without telling the user */
  erase: (id: string, language: string) => Promise<void>;
  /** starts delivering a conversation's outbox */
  kick: (id: string) => void;
  publicUrl: () => string;
  staticDir: string;
  /** approved WhatsApp Content API templates per language (WHATSAPP_CONTENT_SIDS); `reopen` invites the user to reply */
  whatsappTemplates?: Record<string, { reopen?: string }>;
  logger: Logger;
  now?: () => number;
}

/** A refusal the client shows with its own string (`errors.<code>` in console.json). */
class ConsoleError extends Error {
  constructor(readonly status: number, readonly code: string, readonly extra: Record<string, string> = {}) {
    super(code);
  }
}

type Authed = Request & { session: SessionInfo; sessionId: string };

/** The console's routes, and `close()` ending every open live-event stream (the app calls it when it stops). */
export type ConsoleRouter = Router & { close(): void };

/** live-update streams: per session (a few tabs), for the whole server, and how long one lives */
const STREAMS_PER_SESSION = 4;
const STREAMS_MAX = 500;
const STREAM_MAX_MS = 30 * 60 * 1000;

export function cookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-smb_session' : 'smb_session';
}

/** The session cookie's value; a value that is not valid percent-encoding is no session (401), not an error. */
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function consoleLanguage(req: Request): string {
  const q = typeof req.query.lang === 'string' ? req.query.lang : '';
  if (CONSOLE_LANGUAGES.includes(q)) return q;
  return req.acceptsLanguages(...CONSOLE_LANGUAGES) || 'en';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Strings for the client, inside a non-executable script element (CSP allows no inline scripts). */
export function stringsElement(bundle: Record<string, unknown>): string {
  const json = JSON.stringify(bundle).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `<script type="application/json" id="i18n">${json}</script>`;
}

export function pageShell(o: { lang: string; title: string; bundle: Record<string, unknown>; script: string; bodyClass: string }): string {
  return `<!doctype html>
<html lang="${escapeHtml(o.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="/console/static/console.css">
</head>
<body class="${escapeHtml(o.bodyClass)}">
${stringsElement(o.bundle)}
<main id="app"><h1>${escapeHtml(o.title)}</h1></main>
<script src="/console/static/page.js"></script>
<script src="/console/static/${escapeHtml(o.script)}"></script>
</body>
</html>`;
}

const textBody = z.object({ text: z.string().trim().min(1).max(1600) });
const loginBody = z.object({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
const transferBody = z.object({ to: z.string().min(1).max(64) });
const auditQuery = z.object({ conversation: z.string().min(1).max(128).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) });

/**
 * The counsellor console under /console: the page, its static files and a JSON API. Every API call checks the
 * session, the CSRF token (state-changing calls) and the caller's role and ownership of the conversation on the
 * server; every counsellor action is written to the audit log.
 */
export function consoleRoutes(d: ConsoleRoutesDeps): ConsoleRouter {
  for (const k of ['accounts', 'store', 'handoff', 'events', 'translator', 'erase', 'kick', 'publicUrl', 'staticDir', 'logger'] as const) {
    if (!d[k]) throw new Error(`consoleRoutes(): ${k} is required`);
  }
  const now = d.now ?? Date.now;
  const r = Router();
  const json = express.json({ limit: '32kb' });
  const form = express.urlencoded({ extended: false, limit: '32kb' });
  const staticCache = new Map<string, string>();
  const streams = new Set<Response>();
  const streamSession = new WeakMap<Response, string>();
  /** `who|conversation` -> when that view was audited: live updates refetch the open conversation, one entry per stretch */
  const viewed = new Map<string, number>();

  const setCookie = (res: Response, value: string, maxAgeSec: number) => {
    const secure = d.publicUrl().startsWith('https:');
    const parts = [`${cookieName(d.publicUrl())}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSec}`];
    if (secure) parts.push('Secure');
    res.append('Set-Cookie', parts.join('; '));
  };

  const fail = (res: Response, err: unknown) => {
    if (err instanceof ConsoleError) {
      res.status(err.status).json({ error: err.code, ...err.extra });
      return;
    }
    if (err instanceof HandoffError) {
      const map = { not_found: 404, invalid: 409, taken: 409, forbidden: 403 } as const;
      res.status(map[err.code]).json({ error: err.code, ...(err.owner ? { owner: err.owner } : {}) });
      return;
    }
    d.logger.error({ err }, 'console: request failed');
    res.status(500).json({ error: 'generic' });
  };

  /** session + (for every method but GET/HEAD) the CSRF token */
  const authed = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const sessionId = readCookie(req, cookieName(d.publicUrl()));
      const session = await d.accounts.session(sessionId);
      if (!session) throw new ConsoleError(401, 'unauthorized');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        const given = req.header('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
        if (!ConsoleAccounts.csrfMatches(session.csrf, given)) throw new ConsoleError(403, 'csrf');
      }
      Object.assign(req, { session, sessionId });
      res.set('Cache-Control', 'no-store');
      next();
    } catch (err) {
      fail(res, err);
    }
  };

  const handle = (fn: (req: Authed, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      await fn(req as Authed, res);
    } catch (err) {
      fail(res, err);
    }
  };

  const load = async (id: string): Promise<ConversationDoc> => {
    const doc = await d.store.read(id);
    if (!doc) throw new ConsoleError(404, 'not_found');
    return doc;
  };
  const isOwner = (s: SessionInfo, doc: ConversationDoc) => doc.handoff.status === 'with_counsellor' && doc.handoff.counsellorId === s.name;
  const canView = (s: SessionInfo, doc: ConversationDoc) => s.role === 'supervisor' || doc.handoff.status === 'queued' || isOwner(s, doc);
  const requireActor = (s: SessionInfo, doc: ConversationDoc) => {
    if (s.role !== 'supervisor' && !isOwner(s, doc)) throw new ConsoleError(403, 'forbidden', doc.handoff.counsellorId ? { owner: doc.handoff.counsellorId } : {});
  };
  const audit = (s: SessionInfo, action: string, conversationId?: string, detail?: Record<string, string | number | boolean | undefined>) =>
    d.accounts.audit({ who: s.name, action, conversationId, detail });
  /** the approved template inviting the user to reply, for the conversation's language or its base language */
  const reopenTemplate = (language: string): string | undefined =>
    d.whatsappTemplates?.[language]?.reopen ?? d.whatsappTemplates?.[language.split('-')[0]]?.reopen;
  const windowClosed = (doc: ConversationDoc) => doc.channel === 'whatsapp' && (!doc.lastInboundAt || now() - doc.lastInboundAt > WHATSAPP_WINDOW_MS);
  const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
    const p = schema.safeParse(body ?? {});
    if (!p.success) throw new ConsoleError(400, 'bad_request');
    return p.data;
  };

  // ---- page and static files
  r.get('/console', (req, res) => {
    const lang = consoleLanguage(req);
    res.set('Cache-Control', 'no-store').type('html').send(pageShell({
      lang, title: d.translator.t(lang, 'console:title'), bundle: d.translator.bundle(lang, 'console'), script: 'console.js', bodyClass: 'console',
    }));
  });
  r.get('/console/static/:file', (req, res) => {
    const name = String(req.params.file);
    const type = STATIC_FILES[name];
    if (!type) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    let body = staticCache.get(name);
    if (body === undefined) {
      body = fs.readFileSync(path.join(d.staticDir, name), 'utf8');
      staticCache.set(name, body);
    }
    res.set('Cache-Control', 'no-cache').type(type).send(body);
  });

  // ---- sessions
  r.post('/console/api/login', json, form, async (req, res) => {
    try {
      // JSON only: a cross-site form cannot send it without a CORS preflight, which nothing here answers
      if (!req.is('application/json')) throw new ConsoleError(415, 'bad_request');
      const { name, password } = parse(loginBody, req.body);
      const result = await d.accounts.login(name, password);
      if (!result.ok) {
        res.status(result.reason === 'locked' ? 429 : 401).json({ error: result.reason, ...(result.lockedUntil ? { lockedUntil: result.lockedUntil } : {}) });
        return;
      }
      setCookie(res, result.sessionId, 12 * 60 * 60);
      res.set('Cache-Control', 'no-store').json({ name: result.session.name, role: result.session.role, csrf: result.session.csrf });
    } catch (err) {
      fail(res, err);
    }
  });

  r.get('/console/api/me', authed, handle(async (req, res) => {
    res.json({ name: req.session.name, role: req.session.role, csrf: req.session.csrf });
  }));

  r.post('/console/api/logout', json, form, authed, handle(async (req, res) => {
    await d.accounts.logout(req.sessionId);
    setCookie(res, '', 0);
    res.status(204).end();
  }));

  // ---- queue
  r.get('/console/api/queue', authed, handle(async (req, res) => {
    const s = req.session;
    const all = await d.store.listSummaries({ statuses: ['queued', 'with_counsellor'] });
    const t = now();
    const view = (c: ConversationSummary) => ({
      id: c.id, channel: c.channel, status: c.status, priority: c.priority ?? 'normal', reason: c.reason, language: c.locale, country: c.country,
      topicsRead: c.topicsRead, waitingSince: c.queuedAt, waitingMinutes: c.queuedAt ? Math.floor((t - c.queuedAt) / 60_000) : 0,
      counsellorId: c.counsellorId, stopped: c.stopped, lastInboundAt: c.lastInboundAt,
    });
    const queue = all
      .filter((c) => c.status === 'queued')
      .sort((a, b) => (PRIORITY_RANK[(b.priority ?? 'normal') as Priority] ?? 1) - (PRIORITY_RANK[(a.priority ?? 'normal') as Priority] ?? 1) || (a.queuedAt ?? 0) - (b.queuedAt ?? 0))
      .map(view);
    const active = all.filter((c) => c.status === 'with_counsellor' && (s.role === 'supervisor' || c.counsellorId === s.name)).map(view);
    const counsellors = (await d.accounts.list()).map((a) => a.name);
    const body: Record<string, unknown> = { me: { name: s.name, role: s.role }, queue, active, counsellors };
    if (s.role === 'supervisor') {
      const load: Record<string, number> = Object.fromEntries(counsellors.map((n) => [n, 0]));
      for (const c of all) if (c.status === 'with_counsellor' && c.counsellorId) load[c.counsellorId] = (load[c.counsellorId] ?? 0) + 1;
      body.load = load;
    }
    res.json(body);
  }));

  // ---- one conversation
  r.get('/console/api/conversations/:id', authed, handle(async (req, res) => {
    const s = req.session;
    const doc = await load(String(req.params.id));
    if (!canView(s, doc)) throw new ConsoleError(403, 'forbidden');
    const seen = `${s.name}|${doc.id}`;
    if (now() - (viewed.get(seen) ?? -Infinity) >= VIEW_AUDIT_MS) {
      if (viewed.size > 10_000) viewed.clear();
      viewed.set(seen, now());
      await audit(s, 'view', doc.id);
    }
    const outbox = new Map(doc.outbox.map((o) => [o.id, o]));
    const language = doc.locale ?? 'en';
    const own = d.translator.bundle(language, 'console').canned as Record<string, string> | undefined;
    const canned = own && Object.keys(own).length ? own : (d.translator.bundle('en', 'console').canned as Record<string, string>);
    res.json({
      id: doc.id, channel: doc.channel, status: doc.handoff.status, priority: doc.handoff.priority, reason: doc.handoff.reason,
      counsellorId: doc.handoff.counsellorId, queuedAt: doc.handoff.queuedAt, language: doc.locale, country: doc.country, topicsRead: doc.topicsRead,
      stopped: doc.stopped, lastInboundAt: doc.lastInboundAt,
      whatsappWindowEndsAt: doc.channel === 'whatsapp' && doc.lastInboundAt ? doc.lastInboundAt + WHATSAPP_WINDOW_MS : undefined,
      windowClosed: windowClosed(doc),
      reopenTemplate: doc.channel === 'whatsapp' ? Boolean(reopenTemplate(language)) : undefined,
      now: now(),
      mine: isOwner(s, doc),
      canned,
      transcript: doc.transcript.map((e) => {
        const o = e.outboundId ? outbox.get(e.outboundId) : undefined;
        return { at: e.at, kind: e.kind, text: e.text, author: e.author, delivery: o ? (o.deliveryStatus ?? o.state) : undefined, error: o?.errorCode };
      }),
    });
  }));

  const action = (name: string, fn: (req: Authed, doc: ConversationDoc) => Promise<Record<string, unknown> | void>) =>
    r.post(`/console/api/conversations/:id/${name}`, json, form, authed, handle(async (req, res) => {
      const doc = await load(String(req.params.id));
      const out = await fn(req, doc);
      res.json({ ok: true, ...(out ?? {}) });
    }));

  action('claim', async (req, doc) => {
    try {
      await d.handoff.claim(doc.id, req.session.name);
    } catch (err) {
      await audit(req.session, 'claim.refused', doc.id, { code: (err as HandoffError).code });
      throw err;
    }
    await audit(req.session, 'claim', doc.id);
  });

  action('reply', async (req, doc) => {
    const s = req.session;
    const { text } = parse(textBody, req.body);
    if (!isOwner(s, doc)) throw new ConsoleError(403, 'forbidden');
    await d.store.update(doc.id, (cur) => {
      if (!isOwner(s, cur)) throw new ConsoleError(403, 'forbidden');
      if (cur.stopped) throw new ConsoleError(409, 'stopped');
      if (windowClosed(cur)) throw new ConsoleError(409, 'window_closed');
      outboxCollector(cur, now, 'counsellor', s.name).add({ body: text });
    });
    d.kick(doc.id);
    await audit(s, 'reply', doc.id, { length: text.length });
  });

  // after WhatsApp's 24-hour window only an approved template may be sent: this one invites the user to write again
  action('reopen', async (req, doc) => {
    const s = req.session;
    if (!isOwner(s, doc)) throw new ConsoleError(403, 'forbidden');
    await d.store.update(doc.id, (cur) => {
      if (!isOwner(s, cur)) throw new ConsoleError(403, 'forbidden');
      if (cur.stopped) throw new ConsoleError(409, 'stopped');
      if (cur.channel !== 'whatsapp' || !windowClosed(cur)) throw new ConsoleError(409, 'window_open');
      const language = cur.locale ?? 'en';
      const contentSid = reopenTemplate(language);
      if (!contentSid) throw new ConsoleError(409, 'no_template', { language });
      // the body is what the transcript shows; Twilio gets only the ContentSid
      outboxCollector(cur, now, 'counsellor', s.name).add({ body: d.translator.t(language, 'console:reopen.transcript'), contentSid });
    });
    d.kick(doc.id);
    await audit(s, 'reopen', doc.id);
  });

  action('note', async (req, doc) => {
    const s = req.session;
    const { text } = parse(textBody, req.body);
    requireActor(s, doc);
    await d.store.update(doc.id, (cur) => {
      requireActor(s, cur);
      pushTranscript(cur, { at: now(), kind: 'note', text, author: s.name });
    });
    await audit(s, 'note', doc.id);
  });

  action('transfer', async (req, doc) => {
    const s = req.session;
    const { to } = parse(transferBody, req.body);
    requireActor(s, doc);
    if (!(await d.accounts.get(to))) throw new ConsoleError(400, 'unknown_counsellor');
    // a supervisor may also hand a waiting conversation straight to someone
    if (s.role === 'supervisor' && doc.handoff.status === 'queued') await d.handoff.claim(doc.id, to);
    else await d.handoff.transfer(doc.id, s.role === 'supervisor' ? null : s.name, to);
    await audit(s, 'transfer', doc.id, { to, from: doc.handoff.counsellorId });
  });

  action('release', async (req, doc) => {
    requireActor(req.session, doc);
    await d.handoff.release(doc.id, req.session.role === 'supervisor' ? null : req.session.name);
    await audit(req.session, 'release', doc.id);
  });

  action('close', async (req, doc) => {
    requireActor(req.session, doc);
    await d.handoff.close(doc.id, req.session.role === 'supervisor' ? null : req.session.name);
    await audit(req.session, 'close', doc.id);
  });

  action('erase', async (req, doc) => {
    if (req.session.role !== 'supervisor') throw new ConsoleError(403, 'forbidden');
    await d.erase(doc.id, doc.locale ?? 'en');
    await audit(req.session, 'erase', doc.id); // the eraser publishes the 'erased' event
  });

  // ---- audit log: supervisors only
  r.get('/console/api/audit', authed, handle(async (req, res) => {
    if (req.session.role !== 'supervisor') throw new ConsoleError(403, 'forbidden');
    const q = parse(auditQuery, req.query);
    const entries = await d.accounts.readAudit({ conversationId: q.conversation, limit: q.limit });
    res.json({ entries: entries.reverse() });
  }));

  // ---- live events: ids and kinds only; the client refetches what it may see
  r.get('/console/api/events', authed, (req, res) => {
    const s = (req as Authed).session;
    const sessionId = (req as Authed).sessionId;
    // bounded: a few streams per session (tabs), a cap for the whole server; the page reconnects by itself
    const mine = [...streams].filter((x) => streamSession.get(x) === sessionId).length;
    if (mine >= STREAMS_PER_SESSION || streams.size >= STREAMS_MAX) {
      res.status(429).set('Retry-After', '10').type('text/plain').send('Too many live-update streams');
      return;
    }
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no',
      // the socket goes with the stream: a stream ended by close() leaves no idle connection for server.close() to wait on
      Connection: 'close' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    streams.add(res);
    streamSession.set(res, sessionId);
    // a stream ends after STREAM_MAX_MS (the browser opens a new one, which checks the session again)
    const lifetime = setTimeout(() => res.end(), STREAM_MAX_MS);
    lifetime.unref();
    const visible = (e: ConsoleEvent) =>
      s.role === 'supervisor' || e.kind !== 'message' || e.status === 'queued' || e.counsellorId === s.name;
    const unsubscribe = d.events.subscribe((e) => {
      if (visible(e)) res.write(`event: ${e.kind}\ndata: ${JSON.stringify({ kind: e.kind, conversationId: e.conversationId })}\n\n`);
    });
    const heartbeat = setInterval(() => {
      void d.accounts.session(sessionId, { touch: false }).then((alive) => {
        if (alive) {
          res.write(': ping\n\n');
          return;
        }
        res.write('event: expired\ndata: {}\n\n');
        res.end();
      }, () => res.write(': ping\n\n'));
    }, 25_000);
    heartbeat.unref();
    req.on('close', () => {
      streams.delete(res);
      clearTimeout(lifetime);
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  r.use('/console/api', (_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  return Object.assign(r, {
    close() {
      for (const res of streams) res.end();
      streams.clear();
    },
  });
}
