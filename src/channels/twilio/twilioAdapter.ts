import {
  ActivityTypes, BotAdapter, TurnContext,
  type Activity, type ConversationReference, type ResourceResponse,
} from 'botbuilder-core';
import type { ConversationDoc, InboundItem } from '../../domain/conversation';
import { CONVERSATION, OUTBOUND, type OutboundCollector } from '../../conversation/turnKeys';
import { splitForSms, splitForWhatsApp } from './splitMessage';

/**
 * Bot Framework adapter for Twilio SMS and WhatsApp: a thin translator. Inbound forms become message
 * Activities whose conversation and user ids are the pseudonym (never the number) and whose channelData is the
 * raw Twilio form; outbound message Activities become Messages API requests, split to fit the channel, and
 * are handed to the turn's outbox (stored with the turn, sent after it commits).
 */
export class TwilioAdapter extends BotAdapter {
  /**
   * `contentSids[lng].lists[n]`: a WhatsApp list-picker template (Content API) with n items; when one exists for a
   * list the dialogs send, WhatsApp users get an interactive list whose item ids are the same numbers SMS users type.
   */
  constructor(private readonly contentSids: Record<string, { lists?: Record<string, string> }> = {}) {
    super();
  }

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
      // a tapped list item or quick reply carries its id: the same number a user would type
      text: item.payload.ListId || item.payload.ButtonPayload || item.body,
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
      const cd = (a.channelData ?? {}) as {
        contentSid?: string; contentVariables?: string; origin?: 'bot' | 'system'; evenIfStopped?: boolean;
        list?: { header: string; items: Array<{ id: string; title: string }> };
      };
      const text = a.text ?? '';
      const template = cd.list && context.activity.channelId === 'whatsapp' ? this.contentSids[context.activity.locale ?? 'en']?.lists?.[String(cd.list.items.length)] : undefined;
      if (template && cd.list) {
        // variables: 1 = body text, then per item its title (rows are at most 24 characters) and its id (the number)
        const vars: Record<string, string> = { '1': cd.list.header };
        cd.list.items.forEach((it, i) => {
          vars[String(2 + 2 * i)] = it.title.slice(0, 24);
          vars[String(3 + 2 * i)] = it.id;
        });
        collector.add({ body: text, contentSid: template, contentVariables: JSON.stringify(vars), origin: cd.origin, evenIfStopped: cd.evenIfStopped });
      } else if (cd.contentSid && context.activity.channelId === 'whatsapp') {
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
