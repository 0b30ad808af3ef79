import MiniSearch from 'minisearch';
import { normalize } from './normalize';
import { PhraseMatcher } from './phraseMatcher';
import type { Understanding } from './contentSchema';
import { isTopicId, type TopicId } from './topics';

export interface Ranked {
  topic: TopicId;
  score: number;
}

export interface Classification {
  ranked: Ranked[];
  /** true when the best topic is clear enough to answer without asking */
  confident: boolean;
}

interface Doc {
  id: number;
  topic: TopicId;
  lang: string;
  text: string;
  /** true for sentences of the answers themselves (weaker evidence than what users write) */
  content?: boolean;
}

/** The topics' own words (titles and answer sentences), a wider net than the examples alone. */
export type ContentDocs = Array<{ topic: TopicId; lang: string; text: string }>;

function tokenize(text: string): string[] {
  const ws = normalize(text).split(' ').filter(Boolean);
  const grams: string[] = [];
  for (const w of ws) {
    if (w.length < 4) continue;
    const padded = `<${w}>`;
    for (let i = 0; i + 3 <= padded.length; i++) grams.push('#' + padded.slice(i, i + 3));
  }
  return [...ws, ...grams];
}

/**
 * Free-text topic ranking: MiniSearch (BM25) over every language's example questions and keywords, with words
 * (fuzzy and prefix) and character trigrams (robust to misspellings and word endings), documents in the user's
 * language boosted; plus a bonus for each topic keyword found in the message.
 */
export class TopicClassifier {
  private readonly index: MiniSearch<Doc>;
  private readonly keywords = new PhraseMatcher<{ topic: TopicId; lang: string }>();
  private readonly stopWords = new Set<string>();

  /**
   * `threshold`: an answer is confident when the best topic's score is at least `min` and `margin` times the second's;
   * measured on the development set (test/eval/dev.jsonl), never on the held-out set.
   */
  constructor(understanding: Record<string, Understanding | undefined>, private readonly threshold = { min: 60, margin: 1.05 }, private readonly tuning = { weights: [1, 0.5, 0.25], ownLanguageBoost: 1.6, contentWeight: 0.2, stopTopics: 7 }, contentDocs: ContentDocs = []) {
    // words used across most topics of a language ("i", "how", "de", "في") carry no topic: they are left out
    const spread = new Map<string, Set<string>>();
    for (const [lang, u] of Object.entries(understanding)) {
      if (!u) continue;
      for (const [topic, t] of Object.entries(u.topics)) for (const text of t.examples) for (const w of normalize(text).split(' ')) {
        const key = `${lang}:${w}`;
        if (!spread.has(key)) spread.set(key, new Set());
        spread.get(key)!.add(topic);
      }
    }
    for (const [key, topics] of spread) if (topics.size >= this.tuning.stopTopics) this.stopWords.add(key.slice(key.indexOf(':') + 1));
    this.index = new MiniSearch<Doc>({
      fields: ['text'],
      storeFields: ['topic', 'lang', 'content'],
      tokenize,
      processTerm: (t) => (this.stopWords.has(t) ? null : t),
    });
    const docs: Doc[] = [];
    for (const [lang, u] of Object.entries(understanding)) {
      if (!u) continue;
      for (const [topic, t] of Object.entries(u.topics)) {
        if (!isTopicId(topic)) continue;
        for (const text of [...t.examples, ...t.keywords]) docs.push({ id: docs.length, topic, lang, text });
        for (const k of t.keywords) this.keywords.add(k, { topic, lang });
      }
    }
    for (const d of contentDocs) docs.push({ id: docs.length, topic: d.topic, lang: d.lang, text: d.text, content: true });
    this.index.addAll(docs);
  }

  classify(text: string, lang: string): Classification {
    const tokens = tokenize(text);
    if (!tokens.length) return { ranked: [], confident: false };
    const results = this.index.search(text, {
      combineWith: 'OR',
      fuzzy: (term) => (!term.startsWith('#') && term.length > 4 ? 0.2 : false),
      prefix: (term) => !term.startsWith('#') && term.length > 3,
      boostDocument: (_id, _term, stored) => (stored?.lang === lang ? this.tuning.ownLanguageBoost : 1) * (stored?.content ? this.tuning.contentWeight : 1),
    });
    const perTopic = new Map<TopicId, number[]>();
    for (const r of results) {
      const list = perTopic.get(r.topic as TopicId) ?? [];
      if (list.length < this.tuning.weights.length) list.push(r.score);
      perTopic.set(r.topic as TopicId, list);
    }
    const scores = new Map<TopicId, number>();
    for (const [topic, list] of perTopic) scores.set(topic, list.reduce((sum, x, i) => sum + x * (this.tuning.weights[i] ?? 0), 0));
    const norm = Math.sqrt(tokens.length);
    for (const [topic, s] of scores) scores.set(topic, s / norm);
    for (const hit of this.keywords.find(text)) scores.set(hit.topic, (scores.get(hit.topic) ?? 0) + (hit.lang === lang ? 3 : 2));
    const ranked = [...scores.entries()].map(([topic, score]) => ({ topic, score })).sort((a, b) => b.score - a.score);
    const [first, second] = ranked;
    const confident = !!first && first.score >= this.threshold.min && (!second || first.score >= second.score * this.threshold.margin);
    return { ranked, confident };
  }
}

/** Titles and answer sentences of every topic in every language, as classifier documents. */
export function contentDocs(topics: Record<string, Partial<Record<TopicId, { title: string; sms: string; whatsapp: string }>>>): ContentDocs {
  const docs: ContentDocs = [];
  for (const [lang, byTopic] of Object.entries(topics)) {
    for (const [topic, t] of Object.entries(byTopic) as Array<[TopicId, { title: string; sms: string; whatsapp: string }]>) {
      docs.push({ topic, lang, text: t.title });
      for (const sentence of `${t.sms}\n${t.whatsapp}`.split(/(?<=[.!?؟።\n])\s*/)) if (sentence.trim().length > 8) docs.push({ topic, lang, text: sentence });
    }
  }
  return docs;
}
