/**
 * Keyed hashes of the message SIDs of erased conversations, each kept until an expiry: a webhook replayed after an
 * erasure (a Twilio retry, or someone resending a captured request) is recognised and ignored, so it cannot bring
 * erased data back. Holds no content and no number: a hash cannot be turned back into a SID without the key.
 */
export interface ErasedMessageLog {
  remember(hashes: string[], until: number): Promise<void>;
  has(hash: string): Promise<boolean>;
}

/** how long an erased conversation's message SIDs are refused: Twilio's retries and any plausible replay */
export const ERASED_REPLAY_MS = 7 * 24 * 60 * 60 * 1000;
