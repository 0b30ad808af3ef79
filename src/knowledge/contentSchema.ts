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
export const COMMANDS = ['menu', 'language', 'country', 'help', 'counsellor', 'back', 'more', 'stop', 'start', 'delete', 'yes', 'no'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const understandingSchema = z.object({
  topics: z.record(z.string(), z.object({ examples: phrases, keywords: phrases })),
  commands: z.object(Object.fromEntries(COMMANDS.map((c) => [c, phrases])) as Record<CommandName, typeof phrases>),
  emergency: phrases.min(10),
  greetings: phrases,
});

export type TopicEntry = z.infer<typeof topicEntrySchema>;
export type Understanding = z.infer<typeof understandingSchema>;
export type UiStrings = Record<string, unknown>;
