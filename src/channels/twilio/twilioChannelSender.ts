import type { ChannelSender, FoundMessage, OutgoingMessage, Route, SentMessage } from '../../conversation/channelSender';
import { PERMANENT_CODES, UNSUBSCRIBED, type MessagesApi } from './messagesApi';

/**
 * Twilio behind the core's ChannelSender port: SMS goes from the SMS number to the user's number, WhatsApp from
 * `whatsapp:<sender>` to `whatsapp:<user>` (the stored address already carries the prefix); Twilio's error codes
 * in words.
 */
export class TwilioChannelSender implements ChannelSender {
  constructor(private readonly api: MessagesApi, private readonly numbers: { sms?: string; whatsapp?: string }) {
    if (!api) throw new Error('TwilioChannelSender: a Messages API is required');
  }

  route(conversation: { channel: string; address: string }): Route | undefined {
    const from = conversation.channel === 'whatsapp' ? this.numbers.whatsapp && `whatsapp:${this.numbers.whatsapp}` : this.numbers.sms;
    return from ? { to: conversation.address, from } : undefined;
  }

  send(route: Route, msg: OutgoingMessage): Promise<SentMessage> {
    return this.api.create({ ...route, ...msg });
  }

  findSent(route: Route, since: Date): Promise<FoundMessage[]> {
    return this.api.findSent({ ...route, since });
  }

  remove(sid: string): Promise<void> {
    return this.api.remove(sid);
  }

  describeFailure(code: number): { reason: string; unsubscribed: boolean } {
    return { reason: PERMANENT_CODES[code] ?? `error ${code}`, unsubscribed: code === UNSUBSCRIBED };
  }
}
