import type { StatePropertyAccessor, TurnContext } from 'botbuilder-core';
import {
  ComponentDialog, DialogSet, DialogTurnStatus, TextPrompt, WaterfallDialog,
  type DialogContext, type DialogState, type DialogTurnResult, type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { CountryDialog } from './countryDialog';
import { COUNTRY_DIALOG, LANGUAGE_DIALOG, MAIN_DIALOG, MAIN_FLOW, WAIT_PROMPT } from './dialogIds';
import { LanguageDialog } from './languageDialog';
import { clarifyList, followUps, listNumber, mainMenu, type ChoiceListData } from './render';
import { languageOf, profileOf } from './turnProfile';
import type { DialogDeps, Intent } from './ports';
import type { Profile } from './profile';

/** the country whose numbers the user gets: the one they chose, else the one of their calling code */
function countryOf(p: Profile): string | undefined {
  return p.country ?? p.countryHint;
}

/** What the user's message asks for, once understood. */
export type Action =
  | { kind: 'menu' }
  | { kind: 'topic'; topic: string; intent: Intent }
  | { kind: 'more'; topic: string }
  | { kind: 'clarify'; topics: string[] }
  | { kind: 'fallback' }
  | { kind: 'offTopic' }
  | { kind: 'help' }
  | { kind: 'handoff'; priority: 'urgent' | 'high' | 'normal'; reason: string }
  | { kind: 'emergency' }
  | { kind: 'emergencyCard' }
  | { kind: 'topicCard'; topic: string }
  | { kind: 'language' }
  | { kind: 'languageChanged' }
  | { kind: 'country' }
  | { kind: 'countrySaved' }
  | { kind: 'media' }
  | { kind: 'none' };

const FALLBACKS_BEFORE_HANDOFF = 3;
/** the first SMS of an emergency carries the numbers within this many segments */
const EMERGENCY_SMS_SEGMENTS = 2;
/** while queued, a message the bot cannot answer is acknowledged at most this often */
const WAITING_ACK_EVERY_MS = 10 * 60 * 1000;

/**
 * The conversation, as the script reads: understand the message, act on it (asking the country first when the
 * answer needs it), wait for the next message, and again. Global interruptions (an emergency, MENU, AGENT,
 * HELP, LANGUAGE, COUNTRY, or a question typed instead of answering a list) are handled in `onContinueDialog`.
 */
export class MainDialog extends ComponentDialog {
  constructor(private readonly deps: DialogDeps) {
    super(MAIN_DIALOG);
    for (const k of ['translator', 'knowledge', 'reporter', 'handoff'] as const) if (!deps?.[k]) throw new Error(`MainDialog: ${k} is required`);
    this.addDialog(new WaterfallDialog(MAIN_FLOW, [this.understandStep.bind(this), this.actStep.bind(this), this.waitStep.bind(this), this.loopStep.bind(this)]));
    this.addDialog(new TextPrompt(WAIT_PROMPT));
    this.addDialog(new LanguageDialog(deps));
    this.addDialog(new CountryDialog(deps));
    this.initialDialogId = MAIN_FLOW;
  }

  /** Runs the dialog for one turn (the core-bot pattern: a DialogSet per turn over the state accessor). */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const set = new DialogSet(dialogState);
    set.add(this);
    const dc = await set.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const active = innerDc.activeDialog?.id;
    if (active && active !== MAIN_FLOW) {
      const text = innerDc.context.activity.text ?? '';
      if (this.interrupts(innerDc, text)) {
        await innerDc.cancelAllDialogs();
        return innerDc.beginDialog(MAIN_FLOW, { text });
      }
    }
    return super.onContinueDialog(innerDc);
  }

  /** While a language or country list waits for an answer, is this message something else? */
  private interrupts(dc: DialogContext, text: string): boolean {
    const { knowledge: k } = this.deps;
    const lng = languageOf(dc.context);
    const inner = dc.child?.activeDialog?.id ?? dc.activeDialog?.id;
    const stack = JSON.stringify(dc.stack.map((s) => s.id));
    if (stack.includes(COUNTRY_DIALOG) && k.parseCountry(text, lng)) return false;
    if (stack.includes(LANGUAGE_DIALOG) && k.parseLanguage(text)) return false;
    if (k.isEmergency(text, lng)) return true;
    const cmd = k.command(text);
    if (cmd && ['menu', 'counsellor', 'help', 'language', 'country', 'back'].includes(cmd)) return !(cmd === 'language' && stack.includes(LANGUAGE_DIALOG)) && !!inner;
    return k.classify(text).confident;
  }

  private async understandStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const p = profileOf(context);
    const text = ((step.options as { text?: string })?.text ?? context.activity.text ?? '').trim();
    const action = this.understand(context, text);
    // onboarding never delays an emergency: the numbers first, the welcome and privacy notice after
    if (!p.onboarded && action.kind !== 'emergency') await this.welcome(context);
    if (action.kind === 'emergency') {
      await this.emergency(context, false);
      if (!p.onboarded) await this.privacyNotice(context);
    }
    p.onboarded = true;
    if (action.kind === 'emergency') {
      if (!p.country && !p.countryHint) {
        p.emergencyCountryPending = true;
        return step.beginDialog(COUNTRY_DIALOG, { promptKey: 'emergency.askCountry', then: { kind: 'emergencyCard' } });
      }
      return step.next({ kind: 'none' });
    }
    if (action.kind === 'language' || action.kind === 'country') {
      this.deps.reporter.report(context, { intent: 'command', topic: null });
      return step.beginDialog(action.kind === 'language' ? LANGUAGE_DIALOG : COUNTRY_DIALOG);
    }
    if (action.kind === 'topic' && this.deps.knowledge.needsCountry(action.topic) && !countryOf(p)) {
      // answer at once; the numbers for the user's country follow once they say where they are
      await this.answer(context, action.topic, action.intent, context.activity.channelId !== 'sms');
      return step.beginDialog(COUNTRY_DIALOG, { then: { kind: 'topicCard', topic: action.topic } });
    }
    return step.next(action);
  }

  private async actStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await this.act(step.context, (step.result ?? { kind: 'none' }) as Action);
    return step.next();
  }

  private async waitStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(WAIT_PROMPT, {});
  }

  private async loopStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(MAIN_FLOW, { text: step.result as string });
  }

  /** Turns a message into an action: emergency first, then commands, list numbers, greetings, free text. */
  understand(context: TurnContext, text: string): Action {
    const { knowledge: k } = this.deps;
    const p = profileOf(context);
    const lng = languageOf(context);
    if (!text) return context.activity.attachments?.length ? { kind: 'media' } : { kind: 'menu' };
    if (k.isEmergency(text, lng)) return { kind: 'emergency' };
    const cmd = k.command(text);
    // START when nothing was stopped: the menu (the bot layer handles START after STOP)
    if (cmd === 'menu' || cmd === 'start') return { kind: 'menu' };
    if (cmd === 'about') return { kind: 'topic', topic: 'about.service', intent: 'topic' };
    if (cmd === 'language') return { kind: 'language' };
    if (cmd === 'country') return { kind: 'country' };
    if (cmd === 'help') return { kind: 'help' };
    if (cmd === 'counsellor') return { kind: 'handoff', priority: 'normal', reason: 'asked for a person' };
    if (cmd === 'more' && p.lastTopic) return { kind: 'more', topic: p.lastTopic };
    if (cmd === 'back') return p.lastTopic ? { kind: 'topic', topic: p.lastTopic, intent: 'topic' } : { kind: 'menu' };
    if (cmd === 'yes' && p.choices?.some((c) => c.startsWith('handoff:'))) {
      const h = p.choices.find((c) => c.startsWith('handoff:'))!;
      return { kind: 'handoff', priority: h.split(':')[1] as 'high' | 'normal', reason: `accepted the offer after ${p.lastTopic ?? 'a topic'}` };
    }
    const num = listNumber(text);
    if (num) {
      if (num === '0') return { kind: 'menu' };
      const choice = (p.choices ?? k.menuTopics())[+num - 1];
      if (!choice) return { kind: 'menu' };
      if (choice.startsWith('more:')) return { kind: 'more', topic: choice.slice(5) };
      if (choice.startsWith('handoff:')) return { kind: 'handoff', priority: choice.split(':')[1] as 'high' | 'normal', reason: `chose a person after ${p.lastTopic ?? 'the menu'}` };
      return this.topicAction(choice, 'topic');
    }
    if (k.isGreeting(text)) return { kind: 'menu' };
    const c = k.classify(text);
    const top = c.ranked[0];
    // the danger detector above decides emergencies; a question the classifier places under help.emergency
    // ("what is the emergency number?") gets that topic's answer and the numbers, without an alarm
    if (top && c.confident) return top.topic === 'help.emergency' ? { kind: 'topic', topic: top.topic, intent: 'search' } : this.topicAction(top.topic, 'search');
    // unsure between topics: one clarifying question with the likeliest ones (never a dead end)
    if (top && c.clarify) return { kind: 'clarify', topics: c.ranked.slice(0, 3).map((r) => r.topic) };
    return c.offTopic ? { kind: 'offTopic' } : { kind: 'fallback' };
  }

  private topicAction(topic: string, intent: Intent): Action {
    if (topic === 'help.emergency') return { kind: 'emergency' };
    if (topic === 'help.counsellor') return { kind: 'handoff', priority: 'normal', reason: 'asked for a person' };
    return { kind: 'topic', topic, intent };
  }

  private async say(context: TurnContext, text: string, list?: ChoiceListData): Promise<void> {
    if (text) await context.sendActivity({ type: 'message', text, channelData: list ? { list } : undefined });
  }

  private async welcome(context: TurnContext): Promise<void> {
    const { translator: t, discreet } = this.deps;
    const lng = languageOf(context);
    const days = (context.turnState.get('retentionDays') as number | undefined) ?? 90;
    const parts = [t.t(lng, discreet ? 'welcome.discreet' : 'welcome.first'), t.t(lng, 'welcome.notice', { days })];
    if (discreet) parts.push(t.t(lng, 'welcome.discreetTip'));
    await this.say(context, parts.join('\n'));
  }

  /** after an emergency on first contact: the privacy notice only, the welcome's other lines can wait */
  private async privacyNotice(context: TurnContext): Promise<void> {
    const days = (context.turnState.get('retentionDays') as number | undefined) ?? 90;
    await this.say(context, this.deps.translator.t(languageOf(context), 'welcome.notice', { days }));
  }

  /**
   * The numbers first: on SMS one message of at most two segments with the verified numbers of the user's
   * country (chosen, else that of their calling code); then the counsellor is alerted (or, while already waiting,
   * the wait is marked urgent) and the user told which country the numbers are for.
   */
  private async emergency(context: TurnContext, waiting: boolean): Promise<void> {
    const { translator: t, knowledge: k, reporter, handoff } = this.deps;
    const p = profileOf(context);
    const lng = languageOf(context);
    const country = countryOf(p);
    if (context.activity.channelId === 'sms') await this.say(context, country ? k.emergencySms(lng, country, EMERGENCY_SMS_SEGMENTS) : [t.t(lng, 'emergency.intro'), t.t(lng, 'card.other')].join('\n'));
    else await this.say(context, [t.t(lng, 'emergency.intro'), country ? k.countryCard(lng, country) : t.t(lng, 'card.other')].join('\n'));
    const { notice } = await handoff.request(context, { priority: 'urgent', reason: waiting ? 'emergency while waiting' : 'emergency', awaitingCountry: !country });
    const forCountry = country && !p.country ? [t.t(lng, 'emergency.forCountry', { country: k.countryName(lng, country) })] : [];
    if (waiting) await this.say(context, [t.t(lng, 'handoff.markedUrgent'), ...forCountry].join('\n'));
    else await this.say(context, [t.t(lng, 'emergency.handoff'), ...notice, ...forCountry].join('\n'));
    p.lastTopic = 'help.emergency';
    reporter.report(context, { topic: 'help.emergency', intent: 'emergency', escalated: true });
  }

  /**
   * While the user waits for a counsellor nothing goes unanswered: an emergency gets the numbers and raises the
   * wait to urgent; a question the bot can answer is answered (with, once, a line that they are still waiting and
   * how to leave the queue); anything else is acknowledged, at most once every ten minutes.
   */
  async whileWaiting(context: TurnContext): Promise<void> {
    const { translator: t, reporter } = this.deps;
    const p = profileOf(context);
    const lng = languageOf(context);
    const action = this.understand(context, (context.activity.text ?? '').trim());
    if (action.kind === 'emergency') return this.emergency(context, true);
    if ((action.kind === 'topic' || action.kind === 'more') && action.topic !== 'help.counsellor') {
      await this.answer(context, action.topic, action.kind === 'more' ? 'topic' : action.intent, action.kind === 'more' || context.activity.channelId !== 'sms');
      const country = countryOf(p);
      if (this.deps.knowledge.needsCountry(action.topic) && country) await this.say(context, this.deps.knowledge.countryCard(lng, country));
      if (!p.waitingNoteSent) await this.say(context, t.t(lng, 'handoff.stillWaiting'));
      p.waitingNoteSent = true;
      p.choices = undefined;
      return;
    }
    const now = this.deps.now?.() ?? Date.now();
    if (!p.waitingAckAt || now - p.waitingAckAt >= WAITING_ACK_EVERY_MS) {
      await this.say(context, t.t(lng, 'handoff.ackWaiting'));
      p.waitingAckAt = now;
    }
    reporter.report(context, { intent: 'handoff', topic: null });
  }

  private async answer(context: TurnContext, topicId: string, intent: Intent, full: boolean): Promise<void> {
    const topic = this.deps.knowledge.topic(languageOf(context), topicId);
    await this.say(context, full ? topic.whatsapp : topic.sms);
    profileOf(context).lastTopic = topicId;
    this.deps.reporter.report(context, { intent, topic: topicId });
  }

  private async offerFollowUps(context: TurnContext, topicId: string, afterMore: boolean): Promise<void> {
    const f = followUps(this.deps.translator, this.deps.knowledge, languageOf(context), topicId, afterMore ? 'whatsapp' : context.activity.channelId, this.deps.discreet);
    profileOf(context).choices = f.choices;
    await this.say(context, f.text, f.list);
  }

  /** Performs an action: the replies, the remembered choices, and what the turn log says. */
  async act(context: TurnContext, action: Action): Promise<void> {
    const { translator: t, knowledge: k, reporter, handoff, discreet } = this.deps;
    const p = profileOf(context);
    const lng = languageOf(context);
    const channel = context.activity.channelId;
    if (action.kind !== 'fallback' && action.kind !== 'none') p.misunderstood = 0;
    switch (action.kind) {
      case 'none':
        return;
      case 'menu': {
        const m = mainMenu(t, k, lng, discreet);
        p.choices = m.choices;
        await this.say(context, m.text, m.list);
        return reporter.report(context, { intent: 'menu', topic: null });
      }
      case 'topic':
      case 'more': {
        await this.answer(context, action.topic, action.kind === 'more' ? 'topic' : action.intent, action.kind === 'more' || channel !== 'sms');
        const country = countryOf(p);
        if (k.needsCountry(action.topic) && country) await this.say(context, k.countryCard(lng, country));
        return this.offerFollowUps(context, action.topic, action.kind === 'more');
      }
      case 'topicCard':
        await this.say(context, [t.t(lng, 'country.saved'), k.countryCard(lng, p.country ?? 'OTHER')].join('\n'));
        reporter.report(context, { intent: 'topic', topic: action.topic });
        return this.offerFollowUps(context, action.topic, false);
      case 'clarify': {
        const c = clarifyList(t, k, lng, action.topics, discreet);
        p.choices = c.choices;
        await this.say(context, c.text, c.list);
        return reporter.report(context, { intent: 'clarify', topic: null });
      }
      case 'fallback': {
        p.misunderstood = (p.misunderstood ?? 0) + 1;
        if (p.misunderstood >= FALLBACKS_BEFORE_HANDOFF) {
          p.misunderstood = 0;
          return this.act(context, { kind: 'handoff', priority: 'normal', reason: 'repeated misunderstanding' });
        }
        await this.say(context, t.t(lng, 'fallback.text'));
        return reporter.report(context, { intent: 'fallback', topic: null });
      }
      case 'offTopic':
        // what the service covers and a person, never a confident wrong topic
        await this.say(context, t.t(lng, 'fallback.offTopic'));
        return reporter.report(context, { intent: 'fallback', topic: null });
      case 'media':
        await this.say(context, t.t(lng, 'media.unsupported'));
        return reporter.report(context, { intent: 'fallback', topic: null });
      case 'help':
        await this.say(context, t.t(lng, 'optout.help'));
        return reporter.report(context, { intent: 'command', topic: null });
      case 'handoff': {
        const { notice } = await handoff.request(context, { priority: action.priority, reason: action.reason });
        p.choices = undefined;
        p.waitingNoteSent = false;
        p.waitingAckAt = undefined;
        p.lastTopic = 'help.counsellor';
        await this.say(context, notice.join('\n'));
        return reporter.report(context, { intent: 'handoff', topic: 'help.counsellor', escalated: true });
      }
      case 'emergency':
        return this.emergency(context, false);
      case 'emergencyCard':
        p.emergencyCountryPending = false;
        await this.say(context, k.countryCard(lng, p.country ?? 'OTHER'));
        return reporter.report(context, { intent: 'emergency', topic: 'help.emergency', escalated: true });
      case 'languageChanged': {
        await this.say(context, t.t(lng, 'language.changed'));
        return this.act(context, { kind: 'menu' });
      }
      case 'countrySaved':
        await this.say(context, [t.t(lng, 'country.saved'), k.countryCard(lng, p.country ?? 'OTHER')].join('\n'));
        return reporter.report(context, { intent: 'command', topic: null });
      case 'language':
      case 'country':
        return;
    }
  }
}
