import {
  ActivityTypes, BotAdapter, TurnContext,
  type Activity, type ConversationReference, type ResourceResponse,
} from 'botbuilder-core';
import type { ConversationDoc, InboundItem } from '../../domain/conversation';
import { CONVERSATION, OUTBOUND, type OutboundCollector } from '../../bot/turnKeys';
import { splitForSms, splitForWhatsApp } from './splitMessage';

/**
 * Bot Framework adapter for Twilio SMS and WhatsApp: a thin translator. Inbound forms become message
 * Activities whose conversation and user ids are the pseudonym (never the number) and whose channelData is the
 * raw Twilio form; outbound message Activities become Messages API requests, split to fit the channel, and
 * are handed to the turn's outbox (stored with the turn, sent after it commits).
 */
export class TwilioAdapter extends BotAdapter {
  toActivity(doc: ConversationDoc, item: InboundItem): Partial<Activity> {
    const media = Array.from({ length: item.numMedia }, (_, i) => ({
      contentType: item.payload[`MediaContentType${i}`] ?? 'application/octet-stream',
      contentUrl: item.payload[`MediaUrl${i}`],
    }));
    return {
      type: ActivityTypes.Message,
      id: item.sid,
      timestamp: new Date(item.receivedAt),
      channelId: doc.channel,
      serviceUrl: 'twilio',
      conversation: { id: doc.id, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: doc.id, name: '', role: 'user' },
      recipient: { id: 'bot', name: 'safe-migration-bot', role: 'bot' },
      text: item.body,
      locale: doc.locale,
      attachments: media.length ? media : undefined,
      channelData: { ...item.payload, From: doc.address },
    };
  }

  /** Runs one turn for the inbound item; replies go to `collector`. */
  async processInbound(
    doc: ConversationDoc, item: InboundItem, collector: OutboundCollector, logic: (context: TurnContext) => Promise<void>,
    turnState: Array<[symbol, unknown]> = [],
  ): Promise<void> {
    if (!collector) throw new Error('TwilioAdapter.processInbound(): no outbound collector');
    const context = new TurnContext(this, this.toActivity(doc, item));
    for (const [k, v] of turnState) context.turnState.set(k, v);
    context.turnState.set(CONVERSATION, doc);
    context.turnState.set(OUTBOUND, collector);
    await this.runMiddleware(context, logic);
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const collector = context.turnState.get(OUTBOUND) as OutboundCollector | undefined;
    if (!collector) throw new Error('TwilioAdapter.sendActivities(): no outbound collector in this turn');
    if (!context.activity.conversation?.id) throw new Error('TwilioAdapter.sendActivities(): no conversation id');
    const responses: ResourceResponse[] = [];
    for (const a of activities) {
      if (a.type === ActivityTypes.Typing || a.type === 'delay' || a.type === ActivityTypes.Trace) {
        responses.push({ id: '' });
        continue;
      }
      if (a.type !== ActivityTypes.Message) throw new Error(`TwilioAdapter.sendActivities(): unsupported activity type "${a.type}"`);
      const cd = (a.channelData ?? {}) as { contentSid?: string; contentVariables?: string; origin?: 'bot' | 'system'; evenIfStopped?: boolean };
      const text = a.text ?? '';
      if (cd.contentSid && context.activity.channelId === 'whatsapp') {
        collector.add({ body: text, contentSid: cd.contentSid, contentVariables: cd.contentVariables, origin: cd.origin, evenIfStopped: cd.evenIfStopped });
      } else {
        const parts = context.activity.channelId === 'sms' ? splitForSms(text) : splitForWhatsApp(text);
        for (const body of parts) collector.add({ body, origin: cd.origin, evenIfStopped: cd.evenIfStopped });
      }
      responses.push({ id: '' });
    }
    return responses;
  }

  async updateActivity(): Promise<ResourceResponse | void> {
    throw new Error('TwilioAdapter.updateActivity(): SMS and WhatsApp messages cannot be edited');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('TwilioAdapter.deleteActivity(): SMS and WhatsApp messages cannot be deleted from the phone');
  }

  async continueConversation(_ref: Partial<ConversationReference>): Promise<void> {
    throw new Error('TwilioAdapter.continueConversation(): proactive messages go through the outbox');
  }
}
