import http from 'node:http';
import path from 'node:path';
import express from 'express';
import helmet from 'helmet';
import { franc } from 'franc';
import { DRY_RUN_NUMBER, type Config } from './config/config';
import { createLogger, type Logger } from './logging/logger';
import { resolveSecrets } from './privacy/secrets';
import { Pseudonymizer } from './privacy/pseudonym';
import { Cipher, parseKeyRing } from './privacy/cipher';
import { Eraser } from './privacy/eraser';
import { Retention } from './privacy/retention';
import { AckLog } from './storage/ackLog';
import { onePurgeAtATime } from './storage/pg/postgres';
import { openConversationStore } from './storage/openStore';
import type { ConversationStore } from './domain/conversationStore';
import { PgEvents, bridgeBus } from './storage/pg/pgEvents';
import { DocumentStorage } from './storage/documentStorage';
import { loadContent, projectRoot } from './knowledge/loadContent';
import { CountryCards } from './knowledge/countryCards';
import { KnowledgeBase } from './knowledge/knowledgeBase';
import { LanguageDetector } from './knowledge/languageDetector';
import { detectorGreetings, detectorTexts } from './knowledge/detectorTexts';
import { I18nTranslator } from './bot/translator';
import { SafetyBot } from './bot/safetyBot';
import { installTurnErrorHandler } from './bot/turnError';
import { TwilioAdapter } from './channels/twilio/twilioAdapter';
import { TurnWorker, outboxCollector } from './conversation/turnWorker';
import { OutboundSender } from './conversation/outboundSender';
import { twilioChannelFor } from './channels/twilio/twilioChannelFor';
import type { DryRunMessagesApi } from './channels/twilio/dryRunMessagesApi';
import { HandoffService } from './handoff/handoffService';
import { twilioRoutes } from './channels/twilio/twilioRoutes';
import { devRoutes } from './http/devRoutes';
import { consoleRoutes } from './http/consoleRoutes';
import { simulatorRoutes } from './http/simulatorRoutes';
import { ConsoleAccounts } from './console/accounts';
import { PgAccountsRepository } from './console/pgAccountsRepository';
import { ConsoleEvents } from './console/consoleEvents';
import { errorHandler } from './http/errorHandler';

export interface AppDeps {
  /** JSON log destination (tests capture it); stdout by default */
  logDestination?: { write(s: string): void };
  now?: () => number;
  /** when the retention purge runs: once `firstAfterMs` after start, then every `everyMs` (default 1 min, 1 h) */
  retentionSchedule?: { firstAfterMs: number; everyMs: number };
}

export interface App {
  app: express.Express;
  /** Listens (port 0 for a free port); PUBLIC_URL defaults to http://localhost:<port>. */
  listen(port?: number, host?: string): Promise<{ port: number; url: string }>;
  /** Stops accepting, finishes turns in flight, leaves the outbox consistent. */
  close(): Promise<void>;
  logger: Logger;
  store: ConversationStore;
  worker: TurnWorker;
  sender: OutboundSender;
  handoff: HandoffService;
  /** purges conversations untouched for RETENTION_DAYS (scheduled hourly; tests call `purge()`) */
  retention: Retention;
  dryRun?: DryRunMessagesApi;
  /** the token webhooks are signed with (the Twilio auth token, or the generated dry-run token) */
  authToken: string;
  publicUrl(): string;
}

/** The composition root: the only place that creates infrastructure and wires it together. */
/** a request's headers must arrive within this, the whole request within REQUEST_TIMEOUT_MS */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** open sockets at most (webhooks, console pages and live streams together); beyond it new ones are refused */
const MAX_CONNECTIONS = 4000;

export async function createApp(config: Config, deps: AppDeps = {}): Promise<App> {
  const now = deps.now ?? Date.now;
  const logger = createLogger(config.log, deps.logDestination as never);
  const secrets = resolveSecrets({
    dataDir: config.dataDir, pseudonymKey: config.pseudonymKey, dataEncryptionKey: config.dataEncryptionKey, production: config.env === 'production',
  });
  for (const key of secrets.generated.filter((k) => k !== 'devAuthToken')) {
    logger.warn({ key, dataDir: config.dataDir }, `WARNING: ${key} was generated and stored in DATA_DIR/secrets.json. Set it in the environment for any real deployment; without it the data cannot be read.`);
  }
  const pseudonyms = new Pseudonymizer(secrets.pseudonymKey);
  const cipher = new Cipher(parseKeyRing(secrets.dataEncryptionKey));
  // DATABASE_URL moves the stores to PostgreSQL (several instances on one database)
  const opened = await openConversationStore(config, { sealer: cipher, logger, now });
  const { store, pg, pgStore } = opened;

  const root = projectRoot();
  const content = loadContent(path.join(root, 'locales'));
  const fatal = content.problems.filter((p) => p.severity === 'error' && (p.language === 'en' || content.languages.includes(p.language as never)));
  if (!content.languages.includes('en')) throw new Error('Content is invalid: locales/en is incomplete');
  if (fatal.length) throw new Error(`Content is invalid (run npm run content:check):\n${fatal.map((p) => `  ${p.language}/${p.file}: ${p.message}`).join('\n')}`);
  const translator = new I18nTranslator(content);
  const cards = new CountryCards(['countries.json', 'transit-countries.json'].map((f) => path.join(root, 'src', 'knowledge', f)));
  const knowledge = new KnowledgeBase(content, translator, cards);
  const detector = new LanguageDetector(detectorTexts(content), franc, detectorGreetings(content));

  const { channel, dryRun } = twilioChannelFor(config);
  if (dryRun) logger.warn('dry-run mode: no Twilio credentials, replies are recorded (see /simulator and npm run chat), not sent');
  const authToken = config.twilio.authToken ?? secrets.devAuthToken;
  let publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;

  const handoff = new HandoffService(store, now);
  /** sender numbers per channel (in dry-run the config already fills in Twilio's test number) */
  const senders = { sms: config.twilio.smsNumber, whatsapp: config.twilio.whatsappNumber };
  const sender = new OutboundSender({
    store, channel, logger, now,
    statusCallbackUrl: (conv, token) => (config.dryRun ? undefined : `${publicUrl}/twilio/status?c=${conv}&t=${token}`),
    sharedStore: !!pg,
  });
  handoff.setNotifier((doc, key, origin) => {
    outboxCollector(doc, now, origin).add({ body: translator.t(doc.locale ?? 'en', key), origin: origin === 'counsellor' ? 'system' : origin as 'system' });
  });
  handoff.on('event', (e) => {
    logger.info({ msg: e.name, conversation: e.conversationId, from: undefined, status: e.to, state: e.state, priority: e.priority, counsellor: e.counsellorId });
    sender.kick(e.conversationId);
  });
  const consoleEvents = new ConsoleEvents();
  // a user's DELETE and a supervisor's erase publish the same event: open console views clear at once
  const eraser = new Eraser({
    store, channel, translator, logger, erased: opened.erased, messageHash: (sid) => pseudonyms.messageHash(sid), now,
    onErased: (id) => consoleEvents.publish({ kind: 'erased', conversationId: id }),
  });
  const retention = new Retention({
    store, eraser, logger, retentionDays: config.retentionDays, now,
    // several instances: one purges at a time, the others skip that round
    exclusive: pg && onePurgeAtATime(pg),
  });

  const adapter = new TwilioAdapter(config.twilio.contentSids);
  // console live updates across instances: ids and statuses only, never text or numbers
  const pgEvents = pg ? new PgEvents({ pool: pg.pool, connectionString: config.databaseUrl!, logger }) : undefined;
  if (pgEvents) {
    await bridgeBus(pgEvents, 'smb_console', consoleEvents, (e) => ({ kind: e.kind, conversationId: e.conversationId, status: e.status, from: e.from, counsellorId: e.counsellorId }), logger);
  }
  const bot = new SafetyBot({
    stateStorage: (items) => new DocumentStorage(items),
    translator, knowledge, detector, handoff, logger, officeHours: config.officeHours, handoffWaitMinutes: config.handoffWaitMinutes, userMessagesPerMinute: config.userMessagesPerMinute,
    retentionDays: config.retentionDays, discreet: config.discreetMode, now, erase: (id, lng) => eraser.erase(id, lng).then(() => undefined),
    // announced once the turn has committed (the empty update waits for the conversation's lock)
    onUserMessage: (doc) => {
      const { id, handoff: h } = doc;
      void store.update(id, () => undefined).catch(() => undefined)
        .then(() => consoleEvents.publish({ kind: 'message', conversationId: id, status: h.status, counsellorId: h.counsellorId }));
    },
  });
  installTurnErrorHandler(adapter, translator, logger);
  /** MessageSids stored by this process whose 200 has not gone out yet; an AckLog (embedded store) remembers the rest */
  const awaitingAck = new Set<string>();
  const ackLog = pg ? undefined : new AckLog(path.join(config.dataDir, 'store'));
  const worker = new TurnWorker({
    store, adapter, logic: (ctx) => bot.runTurn(ctx), sender, logger, concurrency: config.turnConcurrency, now,
    isAcknowledged: (sid) => !awaitingAck.has(sid),
  });

  let accepting = true;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet());
  app.get('/healthz', (_req, res) => {
    res.json({ status: accepting ? 'ok' : 'stopping' });
  });
  app.use(twilioRoutes({
    store, erased: opened.erased, pseudonyms, logger, authToken: () => authToken, publicUrl: () => publicUrl, maxBodyBytes: config.maxBodyBytes, now,
    onStoring: (sid) => awaitingAck.add(sid),
    onNotStored: (sid) => awaitingAck.delete(sid),
    onAcknowledged: (id, sid) => {
      // only a message this process stored and had not yet acknowledged; a plain redelivery changes nothing
      if (!awaitingAck.delete(sid)) return;
      ackLog?.append(sid);
      worker.schedule(id);
    },
    onStatus: (id, token, cb) => sender.recordStatus(id, token, cb),
    isAccepting: () => accepting,
  }));
  if (dryRun && config.env !== 'production') app.use(devRoutes({ dryRun, authToken: () => authToken, publicUrl: () => publicUrl }));
  // ---- counsellor console and simulator (begin) ----
  const consoleAccounts = pg ? new ConsoleAccounts(new PgAccountsRepository(pg.pool), now) : await ConsoleAccounts.open({ dir: path.join(config.dataDir, 'console'), now });
  handoff.on('event', (e) => consoleEvents.publish({ kind: 'handoff', conversationId: e.conversationId, status: e.to, from: e.from, counsellorId: e.counsellorId }));
  const consoleRouter = consoleRoutes({
    accounts: consoleAccounts, store, handoff, events: consoleEvents, translator, logger, now,
    erase: (id, lng) => eraser.erase(id, lng, { tellUser: false }).then(() => undefined),
    kick: (id) => sender.kick(id),
    publicUrl: () => publicUrl,
    staticDir: path.join(root, 'src', 'console', 'static'),
    whatsappTemplates: config.twilio.contentSids,
  });
  app.use(consoleRouter);
  if (dryRun && config.simulatorEnabled && config.env !== 'production') {
    app.use(simulatorRoutes({
      dryRun, translator, authToken: () => authToken, publicUrl: () => publicUrl,
      to: { sms: senders.sms ?? DRY_RUN_NUMBER, whatsapp: senders.whatsapp ?? DRY_RUN_NUMBER },
    }));
  }
  // ---- counsellor console and simulator (end) ----
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found');
  });
  app.use(errorHandler(logger));

  // finish turns and sends a crash interrupted; a message stored but never acknowledged goes back to Twilio's retry
  const pending = await store.listPending();
  if (ackLog) {
    const acked = ackLog.readAll();
    let unacknowledged = 0;
    for (const id of pending) {
      await store.update(id, (doc) => {
        const drop = doc.inbox.filter((i) => !acked.has(i.sid)).map((i) => i.sid);
        if (!drop.length) return;
        unacknowledged += drop.length;
        doc.inbox = doc.inbox.filter((i) => !drop.includes(i.sid));
        doc.seenSids = doc.seenSids.filter((s) => !drop.includes(s));
        doc.twilioSids = doc.twilioSids.filter((s) => !drop.includes(s));
      }).catch((err) => logger.warn({ err: { message: (err as Error).message }, conversation: id }, 'could not reconcile unacknowledged messages'));
    }
    if (unacknowledged) logger.info({ messages: unacknowledged }, 'stored but never acknowledged: left for Twilio to retry');
  }
  const resume = (ids: string[]) => {
    for (const id of ids) {
      worker.schedule(id);
      sender.kick(id);
    }
  };
  resume(pending);
  if (pending.length) logger.info({ conversations: pending.length }, 'resuming unfinished work');
  // several instances: each one finishes, every 2 s, the work another instance left (killed, or still busy):
  // turns of messages stored but not answered, and outbound messages whose lease ran out
  const sweepFailed = (err: unknown) => logger.warn({ err: { message: (err as Error).message } }, 'pending sweep failed');
  const sweep = pgStore ? setInterval(() => {
    pgStore.listPending({ idleForMs: 5000 }).then((ids) => ids.forEach((id) => worker.schedule(id)), sweepFailed);
    pgStore.claimOutbound().then((ids) => ids.forEach((id) => sender.kick(id)), sweepFailed);
  }, 2000) : undefined;
  sweep?.unref();

  retention.start(deps.retentionSchedule ?? { firstAfterMs: 60_000, everyMs: 60 * 60_000 });

  let server: http.Server | undefined;
  return {
    app, logger, store, worker, sender, handoff, retention, dryRun, authToken,
    publicUrl: () => publicUrl,
    async listen(port = config.port, host?: string) {
      // slow or stalled clients (headers dribbled in, a body that never ends) are dropped within seconds, and
      // the number of open sockets is capped, so they cannot starve Twilio's webhooks
      server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, app);
      server.keepAliveTimeout = 5000;
      server.maxConnections = MAX_CONNECTIONS;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve());
      });
      const actual = (server.address() as { port: number }).port;
      if (!config.publicUrl) publicUrl = `http://localhost:${actual}`;
      logger.info({ port: actual, dryRun: config.dryRun }, 'listening');
      return { port: actual, url: `http://127.0.0.1:${actual}` };
    },
    async close() {
      accepting = false;
      consoleRouter.close();
      const closing = server ? new Promise<void>((r) => server!.close(() => r())) : Promise.resolve();
      server?.closeIdleConnections?.();
      await retention.stop();
      if (sweep) clearInterval(sweep);
      await worker.close();
      await sender.close();
      ackLog?.close();
      await pgEvents?.close();
      await opened.close();
      setTimeout(() => server?.closeAllConnections?.(), 2000).unref();
      await closing;
    },
  };
}
