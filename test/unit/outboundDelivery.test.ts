import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { ConversationStore } from '../../src/domain/conversationStore';
import { LowdbConversationStore } from '../../src/storage/lowdbConversationStore';
import { Cipher, parseKeyRing } from '../../src/privacy/cipher';
import { TwilioAdapter } from '../../src/channels/twilio/twilioAdapter';
import { TurnWorker } from '../../src/conversation/turnWorker';
import { OutboundSender } from '../../src/conversation/outboundSender';
import { DryRunMessagesApi } from '../../src/channels/twilio/dryRunMessagesApi';
import { TwilioChannelSender } from '../../src/channels/twilio/twilioChannelSender';

/** Every committed change of the real store, as the inbox length and the outbox states after it. */
function recording(store: ConversationStore, log: string[]): ConversationStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== 'update') return Reflect.get(target, prop, receiver);
      return (id: string, fn: Parameters<ConversationStore['update']>[1], opts?: { overlapFlush?: boolean }) => target.update(id, async (doc) => {
        const before = JSON.stringify(doc);
        const result = await fn(doc);
        if (JSON.stringify(doc) !== before) log.push(`inbox ${doc.inbox.length}: ${doc.outbox.map((o) => o.state).join(',')}`);
        return result;
      }, opts);
    },
  });
}

describe('a turn and its replies on the way out', () => {
  test('when a turn writes two replies, then the first is already `sending` in the turn\'s own write, and each `sent` shares a write with the next `sending`', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-delivery-'));
    const log: string[] = [];
    const store = recording(await LowdbConversationStore.open({ dataDir: dir, sealer: new Cipher(parseKeyRing(`k1:${'00'.repeat(32)}`)) }), log);
    const api = new DryRunMessagesApi();
    const logger = pino({ level: 'silent' });
    const sender = new OutboundSender({ store, channel: new TwilioChannelSender(api, { sms: '+15005550006' }), logger, statusCallbackUrl: () => undefined });
    const worker = new TurnWorker({
      store, sender, logger, concurrency: 2, adapter: new TwilioAdapter(),
      logic: async (context) => {
        await context.sendActivity('reply one');
        await context.sendActivity('reply two');
      },
    });
    const id = 'sms-' + 'b'.repeat(40);
    await store.claimInbound(id, { channel: 'sms', address: '+15559990001' }, { sid: 'SM1', body: 'hello', numMedia: 0, receivedAt: 1, payload: { Body: 'hello' } });
    worker.schedule(id);
    await worker.idle();
    await sender.idle();
    expect(api.to('+15559990001').map((m) => m.body)).toEqual(['reply one', 'reply two']);
    expect(log).toEqual(['inbox 0: sending,pending', 'inbox 0: sent,sending', 'inbox 0: sent,sent']);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
