/** Topic ids are contracts (console, analytics, evaluation). Their words live in locales/<lng>/topics.json. */
export const TOPIC_IDS = [
  'trafficking.signs',
  'trafficking.help',
  'smuggling.risks',
  'recruitment.check',
  'pathways.regular',
  'journey.prepare',
  'return.assisted',
  'return.reintegration',
  'help.emergency',
  'help.health',
  'help.family',
  'help.counsellor',
  'about.service',
] as const;

export type TopicId = (typeof TOPIC_IDS)[number];

/** Main menu order: the same numbers on SMS and WhatsApp. Emergency and a person come first. */
export const MENU_ORDER: TopicId[] = [
  'help.emergency',
  'help.counsellor',
  'trafficking.signs',
  'trafficking.help',
  'smuggling.risks',
  'recruitment.check',
  'pathways.regular',
  'journey.prepare',
  'return.assisted',
  'return.reintegration',
  'help.health',
  'help.family',
  'about.service',
];

/** Topics whose answer needs the user's country (numbers, offices): the bot asks once and remembers. */
export const NEEDS_COUNTRY: ReadonlySet<TopicId> = new Set<TopicId>(['help.emergency', 'trafficking.help', 'return.assisted']);

/** Topics that hand the conversation to a person, with the queue priority. */
export const HANDOFF_TOPICS: Partial<Record<TopicId, 'urgent' | 'high' | 'normal'>> = {
  'help.emergency': 'urgent',
  'help.counsellor': 'normal',
};

/** Topics whose answer offers a counsellor with a raised priority if the user accepts. */
export const HIGH_PRIORITY_TOPICS: ReadonlySet<TopicId> = new Set<TopicId>(['trafficking.help']);

export const LANGUAGES = ['en', 'fr', 'ar', 'fa-AF', 'ps', 'am', 'ti', 'om', 'so', 'ha', 'ckb'] as const;
export type Language = (typeof LANGUAGES)[number];
export const RTL: ReadonlySet<string> = new Set(['ar', 'fa-AF', 'ps', 'ckb']);

export function isTopicId(x: unknown): x is TopicId {
  return typeof x === 'string' && (TOPIC_IDS as readonly string[]).includes(x);
}
