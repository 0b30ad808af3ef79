/** What the bot remembers about a conversation (kept in botbuilder ConversationState). */
export interface Profile {
  language?: string;
  /** the country the user chose (COUNTRY); it wins over the hint */
  country?: string;
  /** the country of the sender's calling code (a country code only, never the number), set every turn */
  countryHint?: string;
  onboarded?: boolean;
  /** what the numbers in the last list mean: topic ids, `more:<topic>`, `menu`, `handoff:<priority>` */
  choices?: string[];
  lastTopic?: string;
  misunderstood?: number;
  /** an emergency is waiting for the user's country to give the numbers */
  emergencyCountryPending?: boolean;
  /** DELETE was sent: the next message confirms (YES) or cancels */
  pendingErase?: boolean;
  /** while queued: the "you are still waiting" line was sent with an answer (once per wait) */
  waitingNoteSent?: boolean;
  /** while queued: when a message was last acknowledged ("a counsellor will read it"), epoch ms */
  waitingAckAt?: number;
  /** when the last messages came, with a short hash of each text (flood and loop limits), epoch ms */
  recent?: Array<[number, string]>;
  /** when the last "too many messages" notice was sent, epoch ms */
  floodNoticeAt?: number;
}

export const PROFILE_PROPERTY = 'profile';
export const DIALOG_STATE_PROPERTY = 'dialogState';
