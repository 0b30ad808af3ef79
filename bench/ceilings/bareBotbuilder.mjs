// Ceiling (b): the full pipeline minus durability, logging and our dialogs. Express 5 + urlencoded + Twilio
// signature check, then a turn through a bare botbuilder BotAdapter subclass: ConversationState on MemoryStorage,
// a ComponentDialog whose WaterfallDialog sends a menu, prompts (TextPrompt), and answers the choice; the
// replies are collected (not sent). The webhook is answered after the turn.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const express = require('express');
const twilio = require('twilio');
const { BotAdapter, TurnContext, ConversationState, MemoryStorage, ActivityTypes } = require('botbuilder');
const { ComponentDialog, WaterfallDialog, TextPrompt, DialogSet, DialogTurnStatus } = require('botbuilder-dialogs');

class BareAdapter extends BotAdapter {
  async sendActivities(context, activities) {
    const out = context.turnState.get('replies');
    for (const a of activities) out.push(a);
    return activities.map(() => ({ id: '' }));
  }
  async updateActivity() {}
  async deleteActivity() {}
  async continueConversation() {}
}

class RootDialog extends ComponentDialog {
  constructor() {
    super('root');
    this.addDialog(new TextPrompt('text'));
    this.addDialog(new WaterfallDialog('main', [
      async (step) => {
        await step.context.sendActivity('Hello. This is a free and confidential information service.');
        return step.prompt('text', 'Reply with a number:\n1 Danger now\n2 Talk to a person\n3 Signs of trafficking');
      },
      async (step) => {
        await step.context.sendActivity(`Topic ${step.result}: the facts, with a source.`);
        await step.context.sendActivity('Reply:\n1 More detail\n0 Main menu');
        return step.endDialog();
      },
    ]));
    this.initialDialogId = 'main';
  }
}

const storage = new MemoryStorage();
const conversationState = new ConversationState(storage);
const dialogState = conversationState.createProperty('DialogState');
const dialogs = new DialogSet(dialogState);
dialogs.add(new RootDialog());
const adapter = new BareAdapter();

const token = process.env.TWILIO_AUTH_TOKEN;
const publicUrl = process.env.PUBLIC_URL;
const app = express();
app.disable('x-powered-by');
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
app.post('/twilio/messages', express.urlencoded({ extended: false, limit: 65536 }), async (req, res, next) => {
  try {
    const sig = req.header('x-twilio-signature');
    const form = req.body ?? {};
    if (!sig || !twilio.validateRequest(token, sig, publicUrl + req.originalUrl, form)) {
      res.status(403).type('text/plain').send('Forbidden');
      return;
    }
    const context = new TurnContext(adapter, {
      type: ActivityTypes.Message, id: form.MessageSid, timestamp: new Date(), channelId: 'sms', serviceUrl: 'twilio',
      conversation: { id: form.From }, from: { id: form.From }, recipient: { id: 'bot' }, text: form.Body, locale: 'en-us',
      channelData: form,
    });
    context.turnState.set('replies', []);
    await adapter.runMiddleware(context, async (ctx) => {
      const dc = await dialogs.createContext(ctx);
      const r = await dc.continueDialog();
      if (r.status === DialogTurnStatus.empty) await dc.beginDialog('root');
      await conversationState.saveChanges(ctx);
    });
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  } catch (err) {
    next(err);
  }
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.keepAliveTimeout = 5000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
