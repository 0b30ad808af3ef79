import { createHmac } from 'node:crypto';

/** Keyed hash of a channel address: the conversation id. The raw number never becomes an id or a file name. */
export class Pseudonymizer {
  constructor(private readonly key: string) {
    if (!key || key.length < 32) throw new Error('Pseudonymizer: a key of at least 32 characters is required');
  }

  /** `channel` keeps SMS and WhatsApp threads of the same number apart (they are separate conversations). */
  conversationId(channel: string, address: string): string {
    return channel + '-' + createHmac('sha256', this.key).update(`${channel}:${address}`).digest('hex').slice(0, 40);
  }

  /** Keyed hash of a message SID, for the erased-message log (never the SID itself). */
  messageHash(sid: string): string {
    return createHmac('sha256', this.key).update(`erased-message:${sid}`).digest('hex').slice(0, 40);
  }
}
