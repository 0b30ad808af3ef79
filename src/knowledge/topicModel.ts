import { createHash } from 'node:crypto';
import type { Understanding } from './contentSchema';
import { Featurizer, LinearClassifier, type LabelledText } from './linearClassifier';
import { isTopicId, type TopicId } from './topics';

/** the label the model learns from `offTopic` examples: a question outside the service */
export const OFF_TOPIC = 'off_topic';

export interface TopicDecision {
  /** in-scope topics by probability (0-100), highest first */
  ranked: Array<{ topic: TopicId; score: number }>;
  /** the best topic is clear enough to answer without asking */
  confident: boolean;
  /** not confident, but close enough to ask which of the first topics was meant */
  clarify: boolean;
  /** most likely outside what the service covers */
  offTopic: boolean;
}

/**
 * Thresholds on the model's probabilities, measured on the development sets (never the held-out ones):
 * answer when the best topic has at least `answer` and `margin` times the second; ask when it has `clarify`.
 */
export const THRESHOLDS = { answer: 0.3, margin: 1.3, clarify: 0.2 };

export function trainingData(understanding: Record<string, Understanding | undefined>): LabelledText[] {
  const data: LabelledText[] = [];
  for (const u of Object.values(understanding)) {
    if (!u) continue;
    for (const [topic, t] of Object.entries(u.topics)) {
      if (!isTopicId(topic)) continue;
      for (const e of t.examples) data.push({ text: e, label: topic });
      for (const k of t.keywords) data.push({ text: k, label: topic, weight: 0.5 });
    }
    for (const e of u.offTopic ?? []) data.push({ text: e, label: OFF_TOPIC });
  }
  return data;
}

/** one trained model per content and process: every app started in a test process shares it */
const trained = new Map<string, LinearClassifier>();

/** The free-text topic classifier: a linear model over the examples of every language (see linearClassifier.ts). */
export class TopicModel {
  private readonly model: LinearClassifier;

  constructor(understanding: Record<string, Understanding | undefined>, places: ReadonlySet<string>, private readonly thresholds = THRESHOLDS) {
    const data = trainingData(understanding);
    const key = createHash('sha256').update(JSON.stringify(data)).update(JSON.stringify([...places])).digest('hex');
    let model = trained.get(key);
    if (!model) {
      model = new LinearClassifier(new Featurizer(places), data);
      trained.set(key, model);
    }
    this.model = model;
  }

  classify(text: string): TopicDecision {
    const { ranked } = this.model.predict(text);
    const topics = ranked.filter((r) => r.label !== OFF_TOPIC).map((r) => ({ topic: r.label as TopicId, score: Math.round(r.p * 1000) / 10 }));
    const [best, second] = ranked;
    if (!best) return { ranked: [], confident: false, clarify: false, offTopic: false };
    const offTopic = best.label === OFF_TOPIC && best.p >= this.thresholds.clarify;
    const confident = !offTopic && best.p >= this.thresholds.answer && (!second || best.p >= second.p * this.thresholds.margin);
    return { ranked: topics, confident, clarify: !offTopic && !confident && best.p >= this.thresholds.clarify, offTopic };
  }
}
