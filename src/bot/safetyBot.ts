import { ActivityHandler, ConversationState, type Activity, type Storage, type StoreItem, type TurnContext } from 'botbuilder-core';
import { EventFactory } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { MainDialog } from '../../dialogs/mainDialog';
import { PROFILE_PROPERTY, DIALOG_STATE_PROPERTY, type Profile } from '../../dialogs/profile';
import { PROFILE } from '../../dialogs/turnProfile';
import { listNumber } from '../../dialogs/render';
import type { HandoffRequester, Knowledge, Reporter, TurnReport, Translator } from '../../dialogs/ports';
import type { ConversationDoc, Priority } from '../domain/conversation';
import type { HandoffEvent, HandoffService } from '../handoff/handoffService';
import type { LanguageDetector } from '../knowledge/languageDetector';
import { isOpen, nextOpeningAt, type OfficeHours } from '../config/officeHours';
import type { Logger } from '../logging/logger';
import { AFTER_COMMIT, CONVERSATION, TURN_REPORT, type AfterCommit } from '../conversation/turnKeys';


export interface SafetyBotDeps {
  translator: Translator;
  knowledge: Knowledge;
  detector: LanguageDetector;
  handoff: HandoffService;
  logger: Logger;
  officeHours: OfficeHours;
  handoffWaitMinutes: number;
  /** messages a user may send in a minute before the bot answers only one short notice */
  userMessagesPerMinute: number;
  retentionDays: number;
  discreet: boolean;
  /** erases the conversation everywhere; runs after the turn commits */
  erase: (conversationId: string, language: string) => Promise<void>;
  onUserMessage?: (doc: ConversationDoc) => void;
  /** botbuilder Storage over one conversation's `state` record (storage implements it; the bot only declares it) */
  stateStorage: (items: Record<string, StoreItem>) => Storage;
  now?: () => number;
}

/**
 * The turn pipeline, in order: opt-out and erase commands (they work in every state), the language, the handoff
 * gate (the bot says nothing while a person owns or is about to own the conversation), then the root dialog.
 * Writes exactly one turn log line per inbound message.
 */
export class SafetyBot extends ActivityHandler {
  private readonly dialog: MainDialog;
  private readonly now: () => number;

  constructor(private readonly d: SafetyBotDeps) {
    super();
    for (const k of ['translator', 'knowledge', 'detector', 'handoff', 'logger', 'erase', 'stateStorage', 'userMessagesPerMinute'] as const) if (!d[k]) throw new Error(`SafetyBot: ${k} is required`);
    this.now = d.now ?? Date.now;
    const reporter: Reporter = {
      report: (context, r) => Object.assign(context.turnState.get(TURN_REPORT) as TurnReport, r),
    };
    const requester: HandoffRequester = {
      request: async (context, h) => {
        const init = EventFactory.createHandoffInitiation(context, { priority: h.priority, reason: h.reason, awaitingCountry: !!h.awaitingCountry }, { activities: [] });
        await context.sendActivity(init);
        return { notice: this.handoffNotice(context) };
      },
    };
    this.dialog = new MainDialog({ translator: d.translator, knowledge: d.knowledge, reporter, handoff: requester, discreet: d.discreet, now: this.now });
    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
  }

  /** Runs one turn with its turn log line. */
  async runTurn(context: TurnContext): Promise<void> {
    const started = this.now();
    const report: TurnReport = { topic: null, intent: 'fallback', escalated: false };
    context.turnState.set(TURN_REPORT, report);
    let failed = false;
    try {
      await this.run(context);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      this.d.logger.info({
        msg: 'turn', channel: context.activity.channelId, language: context.activity.locale ?? 'en', topic: report.topic, intent: report.intent,
        escalated: report.escalated, conversation: context.activity.conversation?.id, ms: this.now() - started, ...(failed ? { failed: true } : {}),
      });
    }
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const doc = context.turnState.get(CONVERSATION) as ConversationDoc;
    if (!doc) throw new Error('SafetyBot: no conversation in the turn');
    const afterCommit = (context.turnState.get(AFTER_COMMIT) as AfterCommit | undefined) ?? [];
    // handoff.initiate events from the dialogs become a status change on the conversation, never a message
    context.onSendActivities(async (ctx, activities, next) => {
      for (const a of activities) {
        if (a.type === 'event' && a.name === 'handoff.initiate') {
          const v = a.value as { priority: Priority; reason: string };
          this.queue(ctx, doc, v.priority, v.reason);
        }
      }
      const rest = activities.filter((a) => !(a.type === 'event' && a.name === 'handoff.initiate'));
      if (rest.length === activities.length) return next();
      return rest.length ? ctx.sendActivities(rest) : [];
    });
    const state = new ConversationState(this.d.stateStorage(doc.state));
    const profileAccessor = state.createProperty<Profile>(PROFILE_PROPERTY);
    const dialogState = state.createProperty<DialogState>(DIALOG_STATE_PROPERTY);
    const profile = await profileAccessor.get(context, {});
    context.turnState.set(PROFILE, profile);
    context.turnState.set('retentionDays', this.d.retentionDays);
    const report = context.turnState.get(TURN_REPORT) as TurnReport;
    const text = (context.activity.text ?? '').trim();
    const k = this.d.knowledge;
    const cmd = k.command(text);

    this.updateLanguage(context, profile, text);
    const cd = (context.activity.channelData ?? {}) as { SenderCountry?: string; CallingPrefix?: string };
    profile.countryHint = k.countryFromSender(cd.SenderCountry, cd.CallingPrefix);
    const lng = profile.language ?? 'en';
    const say = (key: string, extra: Partial<Activity['channelData']> = {}, vars?: Record<string, string | number>) =>
      context.sendActivity({ type: 'message', text: this.d.translator.t(lng, key, vars), channelData: { origin: 'system', ...extra } });

    // 1. opt-out: STOP confirms once, then nothing until START
    if (cmd === 'stop') {
      const already = doc.stopped;
      doc.stopped = true;
      if (!already) await say('optout.stopped', { evenIfStopped: true });
      // a counsellor's console shows at once that nothing more can be sent
      if (doc.handoff.status === 'queued' || doc.handoff.status === 'with_counsellor') this.d.onUserMessage?.(doc);
      Object.assign(report, { intent: 'command', topic: null });
      return this.save(context, state, profileAccessor, profile, doc);
    }
    if (doc.stopped) {
      if (cmd === 'start') {
        doc.stopped = false;
        await say('optout.started');
      }
      Object.assign(report, { intent: 'command', topic: null });
      return this.save(context, state, profileAccessor, profile, doc);
    }
    // 2. erase: DELETE -> confirm -> every trace removed
    if (profile.pendingErase) {
      profile.pendingErase = false;
      Object.assign(report, { intent: 'command', topic: null });
      if (cmd === 'yes') {
        afterCommit.push(() => this.d.erase(doc.id, lng));
        return this.save(context, state, profileAccessor, profile, doc);
      }
      if (cmd === 'no') {
        await say('erase.cancelled');
        return this.save(context, state, profileAccessor, profile, doc);
      }
    }
    if (cmd === 'delete') {
      profile.pendingErase = true;
      await say('erase.confirm', { evenIfStopped: false });
      Object.assign(report, { intent: 'command', topic: null });
      return this.save(context, state, profileAccessor, profile, doc);
    }
    // 3. floods and auto-responder loops: every message is kept and reaches the console, but the bot answers
    //    sparingly (one notice per minute of flood, nothing to a loop); an emergency is always answered
    const status = doc.handoff.status;
    const flood = this.flood(profile, text, !!cmd || listNumber(text) !== undefined);
    if (flood && !k.isEmergency(text, lng)) {
      if (status === 'queued' || status === 'with_counsellor') this.d.onUserMessage?.(doc);
      const now = this.now();
      if (flood === 'burst' && status !== 'with_counsellor' && (!profile.floodNoticeAt || now - profile.floodNoticeAt >= FLOOD_WINDOW_MS)) {
        await say('limits.tooMany');
        profile.floodNoticeAt = now;
      }
      Object.assign(report, { intent: 'fallback', topic: null, escalated: status !== 'bot' && status !== 'closed' });
      return this.save(context, state, profileAccessor, profile, doc);
    }
    // 4. the handoff gate: silent while a counsellor holds the conversation; while queued, never silent
    if (status === 'with_counsellor') {
      this.d.onUserMessage?.(doc);
      Object.assign(report, { intent: 'handoff', topic: null, escalated: true });
      return this.save(context, state, profileAccessor, profile, doc);
    }
    if (status === 'queued') {
      this.d.onUserMessage?.(doc);
      Object.assign(report, { intent: 'handoff', topic: null });
      if (doc.handoff.pendingMenuConfirm) {
        doc.handoff.pendingMenuConfirm = false;
        if (cmd === 'yes') {
          this.d.handoff.leaveQueueInTurn(doc).forEach((e) => afterCommit.push(() => this.d.handoff.publish([e])));
          await say('handoff.left');
          await this.runDialog(context, dialogState, '0');
          report.escalated = true;
          return this.save(context, state, profileAccessor, profile, doc);
        }
        if (cmd === 'no') {
          await say('handoff.stayed');
          report.escalated = true;
          return this.save(context, state, profileAccessor, profile, doc);
        }
      }
      if (cmd === 'menu') {
        doc.handoff.pendingMenuConfirm = true;
        await say('handoff.menuConfirm');
      } else if (profile.emergencyCountryPending && k.parseCountry(text, lng)) await this.runDialog(context, dialogState);
      else await this.dialog.whileWaiting(context);
      report.escalated = true;
      return this.save(context, state, profileAccessor, profile, doc);
    }
    if (profile.emergencyCountryPending) profile.emergencyCountryPending = false;
    // 5. the conversation itself
    await this.runDialog(context, dialogState);
    return this.save(context, state, profileAccessor, profile, doc);
  }

  /**
   * Remembers when this message came and a short hash of its words (not the words); 'burst' past the per-minute
   * limit, 'loop' when the same free text came a third time in ten minutes (another automatic responder answering
   * us); commands and list numbers are navigation, never a loop.
   */
  private flood(profile: Profile, text: string, navigation: boolean): 'burst' | 'loop' | undefined {
    const now = this.now();
    const hash = textHash(text);
    const recent = (profile.recent ?? []).filter(([at]) => now - at < LOOP_WINDOW_MS).slice(-RECENT_KEPT);
    recent.push([now, hash]);
    profile.recent = recent;
    if (recent.filter(([at]) => now - at < FLOOD_WINDOW_MS).length > this.d.userMessagesPerMinute) return 'burst';
    if (text && !navigation && recent.filter(([, h]) => h === hash).length >= LOOP_REPEATS) return 'loop';
    return undefined;
  }

  private async runDialog(context: TurnContext, dialogState: ReturnType<ConversationState['createProperty']>, text?: string): Promise<void> {
    if (text !== undefined) context.activity.text = text;
    await this.dialog.run(context, dialogState as never);
  }

  private queue(context: TurnContext, doc: ConversationDoc, priority: Priority, reason: string): void {
    const events: HandoffEvent[] = this.d.handoff.queueInTurn(doc, { priority, reason });
    const after = context.turnState.get(AFTER_COMMIT) as AfterCommit | undefined;
    if (events.length) after?.push(() => this.d.handoff.publish(events));
  }

  private async save(context: TurnContext, state: ConversationState, accessor: ReturnType<ConversationState['createProperty']>, profile: Profile, doc: ConversationDoc): Promise<void> {
    await accessor.set(context, profile);
    await state.saveChanges(context);
    if (profile.language) doc.locale = profile.language;
    if (profile.country) doc.country = profile.country;
    const report = context.turnState.get(TURN_REPORT) as TurnReport;
    if (report.topic && !doc.topicsRead.includes(report.topic)) doc.topicsRead.push(report.topic);
  }

  /** Detect on the first message and when the user clearly switches; short messages keep the saved language. */
  private updateLanguage(context: TurnContext, profile: Profile, text: string): void {
    const detected = text ? this.d.detector.detect(text) : undefined;
    if (detected && (!profile.language || (detected.confident && detected.language !== profile.language))) profile.language = detected.language;
    profile.language ??= 'en';
    context.activity.locale = profile.language;
  }

  /** In office hours the usual wait; outside them when counsellors are back, in the user's language and words. */
  private handoffNotice(context: TurnContext): string[] {
    const t = this.d.translator;
    const lng = context.activity.locale ?? 'en';
    const now = new Date(this.now());
    const hours = this.d.officeHours;
    const next = isOpen(hours, now) ? null : nextOpeningAt(hours, now);
    const lines = next
      ? [t.t(lng, 'handoff.queuedLater'), t.t(lng, 'handoff.afterHours', { when: weekdayAndTime(lng, next, hours.timeZone), zone: timeZoneName(lng, next, hours.timeZone) })]
      : [t.t(lng, 'handoff.queued', { wait: this.d.handoffWaitMinutes })];
    lines.push(t.t(lng, 'handoff.meanwhile'));
    return lines;
  }
}

const FLOOD_WINDOW_MS = 60 * 1000;
const LOOP_WINDOW_MS = 10 * 60 * 1000;
/** the same text this many times within LOOP_WINDOW_MS is a loop */
const LOOP_REPEATS = 3;
const RECENT_KEPT = 40;

/** FNV-1a of the normalised-enough text: tells repeats apart without keeping the words */
function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (const ch of text.trim().toLowerCase()) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/** "Tuesday 09:00" in the user's language (Node's ICU knows all our locales), in the office's time zone */
function weekdayAndTime(lng: string, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(lng, { weekday: 'long', hour: '2-digit', minute: '2-digit', timeZone }).format(at);
}

/** the office's time zone as words in the user's language ("heure normale d'Europe de l'Est") */
function timeZoneName(lng: string, at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat(lng, { timeZone, timeZoneName: 'long' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}
