import type { TurnContext } from 'botbuilder-core';

/**
 * What dialogs may see of the rest of the system: interfaces only. Dialogs never import express, twilio,
 * storage or http; the bot layer passes implementations in.
 */
export type CommandName = 'menu' | 'language' | 'country' | 'help' | 'counsellor' | 'back' | 'more' | 'stop' | 'start' | 'delete' | 'yes' | 'no' | 'about' | 'emergency';

export interface Translator {
  t(lng: string, key: string, vars?: Record<string, string | number>): string;
  has(lng: string, key: string): boolean;
}

export interface TopicText {
  id: string;
  title: string;
  sms: string;
  whatsapp: string;
  followUps: string[];
  sources: string[];
}

export interface Classification {
  /** topics by likelihood (0-100), highest first */
  ranked: Array<{ topic: string; score: number }>;
  /** clear enough to answer */
  confident: boolean;
  /** not clear, but close enough to ask which of the first topics was meant */
  clarify: boolean;
  /** most likely a question outside what the service covers */
  offTopic: boolean;
}

export interface Knowledge {
  languages(): string[];
  languageName(lng: string): string;
  menuTopics(): string[];
  topic(lng: string, id: string): TopicText;
  needsCountry(id: string): boolean;
  classify(text: string): Classification;
  command(text: string): CommandName | undefined;
  isGreeting(text: string): boolean;
  /** someone is in danger now, in any wording (recall first); `lng` is tried first */
  isEmergency(text: string, lng?: string): boolean;
  countries(): string[];
  countryName(lng: string, code: string): string;
  /** the country of the sender's calling code or Twilio's FromCountry, when it is one the bot has numbers for */
  countryFromSender(fromCountry: string | undefined, prefix: string | undefined): string | undefined;
  /** the first SMS of an emergency: the country's verified numbers, within `segments` segments of its encoding */
  emergencySms(lng: string, country: string, segments: number): string;
  /** the numbers card for a country (only verified entries), rendered in `lng` */
  countryCard(lng: string, country: string): string;
  /** a country chosen by number in the list or by name; undefined if not understood */
  parseCountry(text: string, lng: string): string | undefined;
  parseLanguage(text: string): string | undefined;
}

export type Intent = 'menu' | 'topic' | 'search' | 'clarify' | 'fallback' | 'command' | 'handoff' | 'emergency';

/** The turn log's fields, reported by dialogs for the bot layer to write. */
export interface TurnReport {
  topic: string | null;
  intent: Intent;
  escalated: boolean;
}

export interface Reporter {
  report(context: TurnContext, r: Partial<TurnReport>): void;
}

/** Queue the conversation for a person (the bot layer turns this into a handoff.initiate event). */
export interface HandoffRequester {
  request(context: TurnContext, h: { priority: 'urgent' | 'high' | 'normal'; reason: string; awaitingCountry?: boolean }): Promise<{ notice: string[] }>;
}

export interface DialogDeps {
  translator: Translator;
  knowledge: Knowledge;
  reporter: Reporter;
  handoff: HandoffRequester;
  discreet: boolean;
  /** the clock (epoch ms); Date.now when absent */
  now?: () => number;
}
