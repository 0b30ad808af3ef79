/** What the bot remembers about a conversation (kept in botbuilder ConversationState). */
export interface Profile {
  language?: string;
  country?: string;
  onboarded?: boolean;
  /** what the numbers in the last list mean: topic ids, `more:<topic>`, `menu`, `handoff:<priority>` */
  choices?: string[];
  lastTopic?: string;
  misunderstood?: number;
  /** an emergency is waiting for the user's country to give the numbers */
  emergencyCountryPending?: boolean;
  /** DELETE was sent: the next message confirms (YES) or cancels */
  pendingErase?: boolean;
}

export const PROFILE_PROPERTY = 'profile';
export const DIALOG_STATE_PROPERTY = 'dialogState';
