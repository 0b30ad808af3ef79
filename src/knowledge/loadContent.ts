import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { projectRoot } from '../config/projectRoot';
import { dangerSchema, topicsFileSchema, understandingSchema, type DangerLexicon, type TopicEntry, type Understanding, type UiStrings } from './contentSchema';
import { LANGUAGES, TOPIC_IDS, type Language, type TopicId } from './topics';

export interface LanguageContent {
  topics: Partial<Record<TopicId, TopicEntry>>;
  understanding?: Understanding;
  danger?: DangerLexicon;
  ui: UiStrings;
  console?: UiStrings;
}

export interface Content {
  languages: Language[];
  byLanguage: Record<string, LanguageContent>;
  problems: ContentProblem[];
}

export interface ContentProblem {
  language: string;
  file: string;
  severity: 'error' | 'warning';
  message: string;
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Reads locales/<lng>/*.json for every supported language and validates it. Structural errors are reported,
 * not thrown: the caller decides (the server refuses to start on errors in `en`; content:check lists all).
 */
export function loadContent(localesDir: string): Content {
  const problems: ContentProblem[] = [];
  const byLanguage: Record<string, LanguageContent> = {};
  const languages: Language[] = [];
  for (const lng of LANGUAGES) {
    const dir = path.join(localesDir, lng);
    const entry: LanguageContent = { topics: {}, ui: {} };
    const report = (file: string, message: string, severity: ContentProblem['severity'] = 'error') => problems.push({ language: lng, file, severity, message });
    const load = (file: string) => {
      const p = path.join(dir, file);
      if (!fs.existsSync(p)) return undefined;
      try {
        return readJson(p);
      } catch (err) {
        report(file, `not valid JSON: ${(err as Error).message}`);
        return undefined;
      }
    };
    const ui = load('ui.json');
    if (ui && typeof ui === 'object') entry.ui = ui as UiStrings;
    else report('ui.json', 'missing', 'warning');
    const topics = load('topics.json');
    if (topics) {
      const parsed = topicsFileSchema.safeParse(topics);
      if (!parsed.success) for (const i of parsed.error.issues) report('topics.json', `${i.path.join('.')}: ${i.message}`);
      else {
        for (const [id, t] of Object.entries(parsed.data)) {
          if (!(TOPIC_IDS as readonly string[]).includes(id)) report('topics.json', `unknown topic id "${id}"`);
          else entry.topics[id as TopicId] = t;
        }
      }
    } else report('topics.json', 'missing', 'warning');
    /** a file checked by its schema: the first problems reported, the data only when it is whole */
    const validated = <T>(file: string, schema: z.ZodType<T>): T | undefined => {
      const raw = load(file);
      if (!raw) return void report(file, 'missing', 'warning');
      const parsed = schema.safeParse(raw);
      if (parsed.success) return parsed.data;
      for (const i of parsed.error.issues.slice(0, 10)) report(file, `${i.path.join('.')}: ${i.message}`);
      return undefined;
    };
    entry.understanding = validated('understanding.json', understandingSchema);
    entry.danger = validated('danger.json', dangerSchema);
    const con = load('console.json');
    if (con) entry.console = con as UiStrings;
    byLanguage[lng] = entry;
    if (ui && topics) languages.push(lng);
  }
  return { languages, byLanguage, problems };
}

/** one part of every language's content, by language (e.g. each `understanding` or each `danger` lexicon) */
export function perLanguage<K extends keyof LanguageContent>(content: Content, key: K): Record<string, LanguageContent[K]> {
  return Object.fromEntries(Object.entries(content.byLanguage).map(([lng, c]) => [lng, c[key]]));
}

/** where the project's files are (the same for the app, the tools and the tests) */
export { projectRoot };
