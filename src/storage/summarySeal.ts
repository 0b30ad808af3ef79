import type { ConversationSummary } from '../domain/conversationStore';
import type { Sealer } from './durableFile';

/**
 * A conversation's summary as kept at rest, outside its document (the lowdb index, PostgreSQL's `summary`): the
 * fields the queue sorts and filters on stay plain; what would say what a conversation is about (the handoff
 * reason, the topics read, the country) is sealed like the documents.
 */
export interface StoredSummary extends Omit<ConversationSummary, 'reason' | 'topicsRead' | 'country'> {
  sealed: string;
}

export function sealSummary(s: ConversationSummary, sealer: Sealer): StoredSummary {
  const { reason, topicsRead, country, ...plain } = s;
  return { ...plain, sealed: sealer.encrypt(JSON.stringify({ reason, topicsRead, country })) };
}

/** the summary back; an entry written before summaries were sealed is read as it is */
export function openSummary(stored: StoredSummary | ConversationSummary, sealer: Sealer): ConversationSummary {
  if (!('sealed' in stored)) return stored;
  const { sealed, ...plain } = stored;
  const inside = JSON.parse(sealer.decrypt(sealed)) as Pick<ConversationSummary, 'reason' | 'topicsRead' | 'country'>;
  return { ...plain, ...inside, topicsRead: inside.topicsRead ?? [] };
}
