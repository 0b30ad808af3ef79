import type { Classification, CommandName, Knowledge, TopicText, Translator } from '../../dialogs/ports';
import { perLanguage, type Content } from './loadContent';
import type { CountryCards, CountryCode } from './countryCards';
import { COUNTRY_CODES, countryOfSender } from './countryTable';
import { maxUnits, smsEncoding, smsUnits } from '../domain/smsSegments';
import { COMMANDS } from './contentSchema';
import { PhraseMatcher } from './phraseMatcher';
import { topicModelFor, type TopicModel } from './topicModel';
import { normalize } from './normalize';
import { DangerDetector, type DangerVerdict } from './dangerDetector';
import { MENU_ORDER, NEEDS_COUNTRY, isTopicId, type TopicId } from './topics';

/** The knowledge the dialogs consult: topics, commands, emergencies, countries; all words from locales/. */
export class KnowledgeBase implements Knowledge {
  private readonly classifier: TopicModel;
  private readonly commands = new PhraseMatcher<CommandName>();
  private readonly greetings = new PhraseMatcher<true>();
  private readonly danger: DangerDetector;
  private readonly languageNames = new PhraseMatcher<string>();
  private readonly countryNames = new PhraseMatcher<string>();

  constructor(private readonly content: Content, private readonly translator: Translator, private readonly cards: CountryCards) {
    if (!content || !translator || !cards) throw new Error('KnowledgeBase: content, translator and cards are required');
    this.classifier = topicModelFor(content);
    // English command words work in every language; numbers are not commands (they choose from a list), except 0
    for (const [, c] of Object.entries(content.byLanguage)) {
      const u = c.understanding;
      if (!u) continue;
      for (const name of COMMANDS) for (const w of u.commands[name]) if (!/^\d+$/.test(w.trim()) || w.trim() === '0') this.commands.add(w, name);
      for (const g of u.greetings) this.greetings.add(g, true);
    }
    this.danger = new DangerDetector(perLanguage(content, 'danger'));
    for (const lng of content.languages) this.languageNames.add(this.languageName(lng), lng);
    for (const lng of content.languages) for (const code of [...COUNTRY_CODES, 'OTHER']) this.countryNames.add(this.countryName(lng, code), code);
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

  classify(text: string): Classification {
    return this.classifier.classify(text);
  }

  command(text: string): CommandName | undefined {
    return this.commands.exact(text);
  }

  isGreeting(text: string): boolean {
    const n = normalize(text);
    if (!n) return false;
    if (this.greetings.exact(text)) return true;
    // "hi there", "salam alaikum brother": a greeting plus at most one more word
    return n.split(' ').length <= 3 && this.greetings.find(text).length > 0 && !this.danger.judge(text).cues.some((c) => c.category !== 'person' && c.category !== 'now');
  }

  isEmergency(text: string, lng?: string): boolean {
    return this.command(text) === 'emergency' || this.danger.isEmergency(text, lng);
  }

  /** the emergency verdict with the cues that fired (tests and the evaluation print it) */
  explainEmergency(text: string, lng?: string): DangerVerdict {
    return this.danger.judge(text, lng);
  }

  countries(): string[] {
    return [...COUNTRY_CODES, 'OTHER'];
  }

  /** ui.json `country.names.<code>` where the language has one, else the name Intl knows in that language */
  countryName(lng: string, code: string): string {
    if (this.translator.has(lng, `country.names.${code}`) || code === 'OTHER') return this.translator.t(lng, `country.names.${code}`);
    try {
      return new Intl.DisplayNames([lng], { type: 'region' }).of(code) ?? code;
    } catch {
      return this.translator.t(lng, `country.names.${code}`);
    }
  }

  countryFromSender(fromCountry: string | undefined, prefix: string | undefined): string | undefined {
    return countryOfSender(fromCountry, prefix);
  }

  countryCard(lng: string, country: string): string {
    const t = (k: string, v?: Record<string, string | number>) => this.translator.t(lng, k, v);
    if (country === 'OTHER') return t('card.other');
    const name = this.countryName(lng, country);
    const card = this.cards.card(country as CountryCode);
    if (!card.lines.length) return [t('card.none', { country: name }), card.iomCity ? t('card.iom', { city: card.iomCity }) : ''].filter(Boolean).join('\n');
    const lines = card.lines.map((l) => t('card.entry', { service: t(`service.${l.kind}`), number: l.number, date: l.date ?? t('card.undated') }));
    return [t('card.title', { country: name }), ...lines, card.iomCity ? t('card.iom', { city: card.iomCity }) : '', t('card.unverifiedNote')].filter(Boolean).join('\n');
  }

  emergencySms(lng: string, country: string, segments: number): string {
    const t = (k: string, v?: Record<string, string | number>) => this.translator.t(lng, k, v);
    const name = this.countryName(lng, country);
    const card = this.cards.card(country as CountryCode);
    if (!card.lines.length) return t('emergency.smsFirstNone', { country: name });
    // emergency services first, then hotlines; as many as fit, never a number cut in half
    const entries = [...card.lines.filter((l) => l.group === 'emergency'), ...card.lines.filter((l) => l.group === 'hotline')].map((l) => `${t(`service.${l.kind}`)} ${l.number}`);
    const fits = (s: string) => smsUnits(s) <= maxUnits(smsEncoding(s), segments);
    for (let n = entries.length; n >= 1; n--) {
      const text = t('emergency.smsFirst', { country: name, numbers: entries.slice(0, n).join(', ') });
      if (fits(text)) return text;
    }
    return `${name}: ${entries[0]}`;
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
