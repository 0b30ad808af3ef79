import type { Classification, CommandName, Knowledge, TopicText, Translator } from '../../dialogs/ports';
import type { Content } from './loadContent';
import type { CountryCards, CountryCode } from './countryCards';
import { COUNTRY_CODES } from './countryCards';
import { COMMANDS } from './contentSchema';
import { PhraseMatcher } from './phraseMatcher';
import { TopicClassifier, contentDocs } from './topicClassifier';
import { normalize } from './normalize';
import { MENU_ORDER, NEEDS_COUNTRY, isTopicId, type TopicId } from './topics';

/** The knowledge the dialogs consult: topics, commands, emergencies, countries; all words from locales/. */
export class KnowledgeBase implements Knowledge {
  private readonly classifier: TopicClassifier;
  private readonly commands = new PhraseMatcher<CommandName>();
  private readonly greetings = new PhraseMatcher<true>();
  private readonly emergency = new PhraseMatcher<true>();
  private readonly languageNames = new PhraseMatcher<string>();
  private readonly countryNames = new PhraseMatcher<string>();

  constructor(private readonly content: Content, private readonly translator: Translator, private readonly cards: CountryCards) {
    if (!content || !translator || !cards) throw new Error('KnowledgeBase: content, translator and cards are required');
    const und = Object.fromEntries(Object.entries(content.byLanguage).map(([l, c]) => [l, c.understanding]));
    this.classifier = new TopicClassifier(und, undefined, undefined, contentDocs(Object.fromEntries(Object.entries(content.byLanguage).map(([l, c]) => [l, c.topics]))));
    // English command words work in every language; numbers are not commands (they choose from a list), except 0
    for (const [, c] of Object.entries(content.byLanguage)) {
      const u = c.understanding;
      if (!u) continue;
      for (const name of COMMANDS) for (const w of u.commands[name]) if (!/^\d+$/.test(w.trim()) || w.trim() === '0') this.commands.add(w, name);
      for (const g of u.greetings) this.greetings.add(g, true);
      for (const e of u.emergency) this.emergency.add(e, true);
    }
    for (const lng of content.languages) this.languageNames.add(this.languageName(lng), lng);
    for (const lng of content.languages) for (const code of [...COUNTRY_CODES, 'OTHER']) {
      if (translator.has(lng, `country.names.${code}`)) this.countryNames.add(translator.t(lng, `country.names.${code}`), code);
    }
  }

  languages(): string[] {
    return this.content.languages;
  }

  languageName(lng: string): string {
    return this.translator.t(lng, 'language.name');
  }

  menuTopics(): string[] {
    return MENU_ORDER;
  }

  topic(lng: string, id: string): TopicText {
    if (!isTopicId(id)) throw new Error(`KnowledgeBase.topic(): unknown topic ${id}`);
    const t = this.content.byLanguage[lng]?.topics[id] ?? this.content.byLanguage.en.topics[id];
    if (!t) throw new Error(`KnowledgeBase.topic(): no content for ${id}`);
    return { id, title: t.title, sms: t.sms, whatsapp: t.whatsapp, followUps: t.followUps, sources: t.sources };
  }

  needsCountry(id: string): boolean {
    return NEEDS_COUNTRY.has(id as TopicId);
  }

  classify(text: string, lng: string): Classification {
    return this.classifier.classify(text, lng);
  }

  command(text: string): CommandName | undefined {
    return this.commands.exact(text);
  }

  isGreeting(text: string): boolean {
    const n = normalize(text);
    if (!n) return false;
    if (this.greetings.exact(text)) return true;
    // "hi there", "salam alaikum brother": a greeting plus at most one more word
    return n.split(' ').length <= 3 && this.greetings.find(text).length > 0 && !this.emergency.find(text).length;
  }

  isEmergency(text: string): boolean {
    return this.emergency.find(text).length > 0;
  }

  countries(): string[] {
    return [...COUNTRY_CODES, 'OTHER'];
  }

  countryCard(lng: string, country: string): string {
    const t = (k: string, v?: Record<string, string | number>) => this.translator.t(lng, k, v);
    const name = t(`country.names.${country}`);
    if (country === 'OTHER') return t('card.other');
    const card = this.cards.card(country as CountryCode);
    if (!card.lines.length) return [t('card.none', { country: name }), card.iomCity ? t('card.iom', { city: card.iomCity }) : ''].filter(Boolean).join('\n');
    const lines = card.lines.map((l) => t('card.entry', { service: t(`service.${l.kind}`), number: l.number, date: l.date ?? t('card.undated') }));
    return [t('card.title', { country: name }), ...lines, card.iomCity ? t('card.iom', { city: card.iomCity }) : '', t('card.unverifiedNote')].filter(Boolean).join('\n');
  }

  parseCountry(text: string, lng: string): string | undefined {
    const n = normalize(text);
    const list = this.countries();
    if (/^\d{1,2}$/.test(n)) return list[+n - 1];
    const byName = this.countryNames.exact(text) ?? this.countryNames.find(text)[0];
    if (byName) return byName;
    const code = n.toUpperCase();
    return list.includes(code) && code.length === 2 ? code : undefined;
  }

  parseLanguage(text: string): string | undefined {
    const n = normalize(text);
    const list = this.languages();
    if (/^\d{1,2}$/.test(n)) return list[+n - 1];
    return this.languageNames.exact(text) ?? (list.includes(text.trim()) ? text.trim() : undefined);
  }
}
