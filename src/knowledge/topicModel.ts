import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Understanding } from './contentSchema';
import { Featurizer, LinearClassifier, type LabelledText, type TrainedModel } from './linearClassifier';
import { isTopicId, type TopicId } from './topics';
import { perLanguage, type Content } from './loadContent';
import { placeNames } from './placeNames';

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
/** an off-topic answer needs at least this probability (the same bar as before the thresholds moved) */
const OFF_TOPIC_MIN = 0.2;

export const THRESHOLDS = { answer: 0.15, margin: 1.3, clarify: 0.08 };

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

/** bump when the features or the training change: a cached model of another version is not used */
const MODEL_VERSION = 2;

/**
 * Training takes seconds; the trained model is cached on disk by a hash of everything it is trained from, so the
 * next start (another test process, a restart, another instance on the machine) reads it instead. The cache
 * holds weights for word and letter features, no message of any user. A missing or unreadable cache is retrained.
 */
function cacheFile(key: string): string {
  return path.join(os.tmpdir(), 'safe-migration-bot-models', `topic-${key.slice(0, 32)}.bin`);
}

function readCache(file: string): TrainedModel | undefined {
  try {
    const buf = fs.readFileSync(file);
    const headerLength = buf.readUInt32LE(0);
    const header = JSON.parse(buf.subarray(4, 4 + headerLength).toString('utf8')) as { labels: string[]; features: string[] };
    let at = 4 + headerLength;
    at += (4 - (at % 4)) % 4;
    const floats = new Float32Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + buf.length));
    const K = header.labels.length;
    return { labels: header.labels, features: header.features, weights: floats.subarray(0, header.features.length * K), bias: floats.subarray(header.features.length * K) };
  } catch {
    return undefined;
  }
}

function writeCache(file: string, m: TrainedModel): void {
  try {
    const header = Buffer.from(JSON.stringify({ labels: m.labels, features: m.features }), 'utf8');
    const lead = Buffer.alloc(4);
    lead.writeUInt32LE(header.length, 0);
    const padding = Buffer.alloc((4 - ((4 + header.length) % 4)) % 4);
    const floats = new Float32Array(m.weights.length + m.bias.length);
    floats.set(m.weights, 0);
    floats.set(m.bias, m.weights.length);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([lead, header, padding, Buffer.from(floats.buffer)]));
    fs.renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs the next start its training time
  }
}

/** The free-text topic classifier: a linear model over the examples of every language (see linearClassifier.ts). */
export class TopicModel {
  private readonly model: LinearClassifier;

  constructor(understanding: Record<string, Understanding | undefined>, places: ReadonlySet<string>, private readonly thresholds = THRESHOLDS) {
    const data = trainingData(understanding);
    const key = createHash('sha256').update(String(MODEL_VERSION)).update(JSON.stringify(data)).update(JSON.stringify([...places])).digest('hex');
    let model = trained.get(key);
    if (!model) {
      const featurizer = new Featurizer(places);
      const cached = readCache(cacheFile(key));
      model = cached ? LinearClassifier.load(featurizer, cached) : new LinearClassifier(featurizer, data);
      if (!cached) writeCache(cacheFile(key), model.export());
      trained.set(key, model);
    }
    this.model = model;
  }

  classify(text: string): TopicDecision {
    const { ranked } = this.model.predict(text);
    const topics = ranked.filter((r) => r.label !== OFF_TOPIC).map((r) => ({ topic: r.label as TopicId, score: Math.round(r.p * 1000) / 10 }));
    const [best, second] = ranked;
    if (!best) return { ranked: [], confident: false, clarify: false, offTopic: false };
    const offTopic = best.label === OFF_TOPIC && best.p >= OFF_TOPIC_MIN;
    const confident = !offTopic && best.p >= this.thresholds.answer && (!second || best.p >= second.p * this.thresholds.margin);
    return { ranked: topics, confident, clarify: !offTopic && !confident && best.p >= this.thresholds.clarify, offTopic };
  }
}

/** The topic model of this content: every language's examples, without the place names of those languages. */
export function topicModelFor(content: Content): TopicModel {
  return new TopicModel(perLanguage(content, 'understanding'), placeNames(content.languages));
}
