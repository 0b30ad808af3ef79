import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { FoundMessage, SentMessage } from '../../conversation/channelSender';
import type { CreateMessage, MessagesApi } from './messagesApi';

export interface DryRunMessage extends CreateMessage {
  sid: string;
  at: number;
}

/**
 * Dry-run mode (no Twilio credentials): messages are recorded in memory, not sent. The simulator and
 * `npm run chat` read them; the logs say a message was recorded, never its text or number.
 */
export class DryRunMessagesApi extends EventEmitter implements MessagesApi {
  private readonly messages: DryRunMessage[] = [];

  async create(msg: CreateMessage): Promise<SentMessage> {
    const m: DryRunMessage = { ...msg, sid: 'SM' + randomBytes(16).toString('hex'), at: Date.now() };
    this.messages.push(m);
    if (this.messages.length > 5000) this.messages.splice(0, this.messages.length - 5000);
    this.emit('message', m);
    return { sid: m.sid, status: 'queued' };
  }

  async findSent(q: { to: string; from: string; since: Date }): Promise<FoundMessage[]> {
    return this.messages
      .filter((m) => m.to === q.to && m.from === q.from && m.at >= q.since.getTime())
      .map((m) => ({ sid: m.sid, body: m.body ?? '', status: 'sent', to: m.to }));
  }

  async remove(sid: string): Promise<void> {
    const i = this.messages.findIndex((m) => m.sid === sid);
    if (i >= 0) this.messages.splice(i, 1);
  }

  /** Messages to one address after index `after` (the local chat and simulator poll this). */
  to(address: string, afterAt = 0): DryRunMessage[] {
    return this.messages.filter((m) => m.to === address && m.at > afterAt);
  }

  forget(address: string): void {
    for (let i = this.messages.length - 1; i >= 0; i--) if (this.messages[i].to === address) this.messages.splice(i, 1);
  }
}
