import { z } from 'zod';
import { TOPIC_IDS } from './topics';

const topicId = z.enum(TOPIC_IDS);
const review = z.discriminatedUnion('status', [
  z.object({ status: z.literal('reviewed'), by: z.string().min(2), at: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), note: z.string().optional() }),
  z.object({ status: z.literal('draft'), note: z.string().optional() }),
]);

export const topicEntrySchema = z.object({
  title: z.string().min(1).max(40),
  sms: z.string().min(20),
  whatsapp: z.string().min(20).max(1000),
  followUps: z.array(topicId).min(1).max(4),
  sources: z.array(z.string().url()).min(1),
  review,
});

export const topicsFileSchema = z.record(z.string(), topicEntrySchema);

const phrases = z.array(z.string().min(1));
export const COMMANDS = ['menu', 'language', 'country', 'help', 'counsellor', 'back', 'more', 'stop', 'start', 'delete', 'yes', 'no', 'about', 'emergency'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const understandingSchema = z.object({
  topics: z.record(z.string(), z.object({ examples: phrases, keywords: phrases })),
  // `about` and `emergency` came later: a language without them still loads (content:check and the tests require them)
  commands: z.object(Object.fromEntries(COMMANDS.map((c) => [c, c === 'about' || c === 'emergency' ? phrases.default([]) : phrases])) as Record<CommandName, typeof phrases>),
  greetings: phrases,
  /** questions outside the service ("the weather in Rome"): the classifier learns them as out of scope */
  offTopic: phrases.default([]),
});

/** The kinds of danger `locales/<lng>/danger.json` lists cues for (see dangerDetector.ts for how they combine). */
export const DANGER_CATEGORIES = ['confine', 'violence', 'threat', 'sexual', 'kidnap', 'stranded', 'medical', 'selfharm', 'child', 'detain', 'deprive', 'exposed'] as const;
export type DangerCategory = (typeof DANGER_CATEGORIES)[number];

export const dangerSchema = z.object({
  /** explicit cries for help: an emergency on their own */
  sos: phrases.min(3),
  danger: z.object(Object.fromEntries(DANGER_CATEGORIES.map((c) => [c, phrases.min(1)])) as Record<DangerCategory, typeof phrases>),
  /** I, we, my sister ...: someone the writer speaks for is involved */
  person: phrases.min(3),
  /** now, since yesterday, for two days, still, tonight */
  now: phrases.min(3),
  /** question forms that, without a person or now, make it a question about the subject */
  question: phrases.min(3),
  /** it is over: last year, now I am home, I came back (taken out of the text) */
  over: phrases,
  /** what if, in case, suppose */
  hypothetical: phrases,
  /** harmless phrases that contain a danger word: negations, set expressions (taken out of the text) */
  safe: phrases,
});
export type DangerLexicon = z.infer<typeof dangerSchema>;

export type TopicEntry = z.infer<typeof topicEntrySchema>;
export type Understanding = z.infer<typeof understandingSchema>;
export type UiStrings = Record<string, unknown>;
