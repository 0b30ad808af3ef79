import { normalize } from './normalize';
import { ethiopicSkeleton } from './dangerDetector';

/**
 * A multinomial logistic regression over words, word pairs and character n-grams (3 to 5 letters inside each
 * word, on consonants too for Ethiopic), trained at start from the examples in locales/<lng>/understanding.json.
 * It generalises from what the examples share (stems, affixes, the words around them) instead of looking up the
 * nearest example. Names of places are dropped before features are made: "Libya" or "Agadez" must not decide a
 * topic. Training is deterministic (fixed order, fixed seed), so the same content gives the same model.
 *
 * Cost is bounded: features are computed on at most `MAX_CHARS` characters (the start and the end of a long
 * message), each a hash-map look-up into 13 weights.
 */
export interface LabelledText {
  text: string;
  label: string;
  weight?: number;
}

export interface Prediction {
  label: string;
  p: number;
}

// local names for the maths in the hot loops: under jest's vm contexts a global look-up per step is very slow
const { sqrt, exp, max: maxOf } = Math;

/** long messages: the first and the last part are read (a question is usually at one end) */
export const MAX_CHARS = 1200;

const ARABIC = /[\u0600-\u06FF]/;
const ETHIOPIC = /[\u1200-\u137F]/;
/** Arabic-script clitics written joined to the word: the conjunction, prepositions and the article */
const ARABIC_PREFIX = /^(?:و|ف|ب|ل|ک|ال|وال|بال|لل|فال|می|نمی)(?=.{3,})/;
/** a verb's person prefix (اعود, يعود, تعود, نعود) and common pronoun and plural endings: a light stem */
const ARABIC_VERB_PREFIX = /^[اينت](?=.{3,})/;
const ARABIC_SUFFIX = /(?:هما|هم|ها|نا|كم|ون|ين|ات|ه|ي|ك)$/;

/** a light stem of an Arabic-script word without its clitics: العودة, أعود and يعودون all give عود */
function arabicStem(bare: string): string {
  const a = bare.replace(ARABIC_VERB_PREFIX, '');
  const b = a.length > 3 ? a.replace(ARABIC_SUFFIX, '') : a;
  return b.length >= 3 ? b : a;
}

function clip(text: string): string {
  if (text.length <= MAX_CHARS) return text;
  const half = MAX_CHARS / 2;
  return `${text.slice(0, half)} ${text.slice(-half)}`;
}

export class Featurizer {
  constructor(private readonly ignored: ReadonlySet<string> = new Set()) {}

  /** words of a message after normalisation, without place names */
  words(text: string): string[] {
    const n = normalize(clip(text));
    if (!n) return [];
    const ws = n.split(' ');
    const out: string[] = [];
    for (let i = 0; i < ws.length; i++) {
      // two-word names ("saudi arabia", "benin city") first
      if (i + 1 < ws.length && this.ignored.has(`${ws[i]} ${ws[i + 1]}`)) {
        i++;
        continue;
      }
      if (this.ignored.has(ws[i]) || (ARABIC.test(ws[i]) && this.ignored.has(ws[i].replace(ARABIC_PREFIX, '')))) continue;
      out.push(ws[i]);
    }
    return out;
  }

  /** feature name -> count */
  features(text: string): Map<string, number> {
    const f = new Map<string, number>();
    const add = (k: string) => f.set(k, (f.get(k) ?? 0) + 1);
    const ws = this.words(text);
    for (let i = 0; i < ws.length; i++) {
      let w = ws[i];
      add(`w:${w}`);
      if (i + 1 < ws.length) add(`b:${w} ${ws[i + 1]}`);
      if (ARABIC.test(w)) {
        const bare = w.replace(ARABIC_PREFIX, '');
        if (bare !== w) add(`w:${bare}`);
        add(`st:${arabicStem(bare)}`);
        w = bare;
      }
      const forms = ETHIOPIC.test(w) ? [w, ethiopicSkeleton(w)] : [w];
      for (const [k, form] of forms.entries()) {
        const letters = [...`<${form}>`];
        if (letters.length < 5) continue;
        for (let n = 3; n <= 5; n++) for (let j = 0; j + n <= letters.length; j++) add(`${k ? 's' : 'c'}${n}:${letters.slice(j, j + n).join('')}`);
      }
    }
    return f;
  }
}

/** a small deterministic pseudo-random generator (mulberry32) for the shuffles */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A trained model as plain data: what `LinearClassifier.load` takes back (the feature names, then the weights). */
export interface TrainedModel {
  labels: string[];
  features: string[];
  weights: Float32Array;
  bias: Float32Array;
}

export class LinearClassifier {
  readonly labels: string[];
  private readonly index = new Map<string, number>();
  /** weights[feature * K + label] */
  private weights: Float32Array;
  private readonly bias: Float32Array;

  /** A model trained before (see `export()`), without training again. */
  static load(featurizer: Featurizer, m: TrainedModel): LinearClassifier {
    return new LinearClassifier(featurizer, [], {}, m);
  }

  constructor(private readonly featurizer: Featurizer, data: LabelledText[], opts: { epochs?: number; rate?: number; l2?: number; seed?: number } = {}, trained?: TrainedModel) {
    if (trained) {
      this.labels = trained.labels;
      trained.features.forEach((f, i) => this.index.set(f, i));
      this.weights = trained.weights;
      this.bias = trained.bias;
      if (this.weights.length !== this.index.size * this.labels.length) throw new Error('LinearClassifier.load(): weights do not match the features');
      return;
    }
    if (!data.length) throw new Error('LinearClassifier: no training data');
    this.labels = [...new Set(data.map((d) => d.label))].sort();
    const K = this.labels.length;
    const rows = data.map((d) => ({ x: this.vector(d.text, true), y: this.labels.indexOf(d.label), w: d.weight ?? 1 }));
    this.weights = new Float32Array(this.index.size * K);
    this.bias = new Float32Array(K);
    const { epochs = 8, rate = 0.5, l2 = 1e-3, seed = 7 } = opts;
    const random = rng(seed);
    const order = rows.map((_, i) => i);
    const p = new Float64Array(K);
    // AdaGrad: rare n-grams keep a large step, frequent ones settle
    const g2 = new Float32Array(this.weights.length).fill(1e-8);
    const b2 = new Float32Array(K).fill(1e-8);
    for (let e = 0; e < epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const r of order) {
        const row = rows[r];
        this.scores(row.x, p);
        for (let k = 0; k < K; k++) {
          const grad = (p[k] - (k === row.y ? 1 : 0)) * row.w;
          if (grad === 0) continue;
          b2[k] += grad * grad;
          this.bias[k] -= (rate * grad) / sqrt(b2[k]);
          for (const [fi, v] of row.x) {
            const at = fi * K + k;
            const g = grad * v + l2 * this.weights[at];
            g2[at] += g * g;
            this.weights[at] -= (rate * g) / sqrt(g2[at]);
          }
        }
      }
    }
  }

  export(): TrainedModel {
    return { labels: this.labels, features: [...this.index.keys()], weights: this.weights, bias: this.bias };
  }

  /** sparse feature vector (index, value), L2-normalised; `grow` adds unseen features (training only) */
  private vector(text: string, grow = false): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let norm = 0;
    for (const [name, count] of this.featurizer.features(text)) {
      let i = this.index.get(name);
      if (i === undefined) {
        if (!grow) continue;
        i = this.index.size;
        this.index.set(name, i);
      }
      const v = sqrt(count);
      out.push([i, v]);
      norm += v * v;
    }
    const s = norm ? 1 / sqrt(norm) : 0;
    for (const e of out) e[1] *= s;
    return out;
  }

  private scores(x: Array<[number, number]>, out: Float64Array): void {
    const K = this.labels.length;
    for (let k = 0; k < K; k++) out[k] = this.bias[k];
    for (const [fi, v] of x) {
      const base = fi * K;
      for (let k = 0; k < K; k++) out[k] += this.weights[base + k] * v;
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = maxOf(max, out[k]);
    let sum = 0;
    for (let k = 0; k < K; k++) sum += out[k] = exp(out[k] - max);
    for (let k = 0; k < K; k++) out[k] /= sum;
  }

  /** labels by probability, highest first; `known` is how many of the message's features the model has seen */
  predict(text: string): { ranked: Prediction[]; known: number } {
    const x = this.vector(text);
    const p = new Float64Array(this.labels.length);
    if (!x.length) return { ranked: [], known: 0 };
    this.scores(x, p);
    return { ranked: this.labels.map((label, k) => ({ label, p: p[k] })).sort((a, b) => b.p - a.p), known: x.length };
  }
}
