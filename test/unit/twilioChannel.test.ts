import { inboundSchema, channelOf } from '../../src/channels/twilio/payload';
import { segmentCount } from '../../src/domain/smsSegments';
import { plainForSms, splitForSms, splitForWhatsApp } from '../../src/channels/twilio/splitMessage';
import { TwilioAdapter } from '../../src/channels/twilio/twilioAdapter';
import { newConversation } from '../../src/domain/conversation';

const base = { MessageSid: 'SM' + 'a'.repeat(32), From: '+15551230001', To: '+15005550006', Body: 'hi' };

describe('Twilio form schema', () => {
  test.each([
    ['a plain SMS', base, true],
    ['a WhatsApp message', { ...base, From: 'whatsapp:+15551230001', To: 'whatsapp:+15005550007' }, true],
    ['media only (empty Body)', { ...base, Body: '', NumMedia: '1', MediaUrl0: 'https://x/y' }, true],
    ['emoji and Arabic', { ...base, Body: '🙏 مرحبا' }, true],
    ['no From', { ...base, From: undefined }, false],
    ['no MessageSid', { ...base, MessageSid: undefined }, false],
    ['a MessageSid of the wrong kind', { ...base, MessageSid: 'XX123' }, false],
    ['NumMedia not a number', { ...base, NumMedia: 'x' }, false],
    ['a Body over 4096 characters', { ...base, Body: 'a'.repeat(4097) }, false],
  ])('when the form is %s, then valid is %p', (_n, form, valid) => {
    expect(inboundSchema.safeParse(form).success).toBe(valid);
  });

  test('when From starts with whatsapp:, then the channel is whatsapp', () => {
    expect(channelOf('whatsapp:+1555')).toBe('whatsapp');
    expect(channelOf('+1555')).toBe('sms');
  });
});

describe('SMS segments and splitting', () => {
  test.each([
    ['hello', 'GSM-7', 1],
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['{'.repeat(80), 'GSM-7', 1],
    ['ça', 'UCS-2', 1],
    ['م'.repeat(70), 'UCS-2', 1],
    ['م'.repeat(71), 'UCS-2', 2],
  ])('when the text is %j, then it is %s in %d segment(s)', (text, enc, n) => {
    expect(segmentCount(text)).toMatchObject({ encoding: enc, segments: n });
  });

  test('when an SMS is longer than 3 segments, then it is split at sentence boundaries, in order, each within 3 segments', () => {
    const text = Array.from({ length: 30 }, (_, i) => `Sentence number ${i} says something useful.`).join(' ');
    const parts = splitForSms(text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join(' ')).toBe(text);
    for (const p of parts) expect(segmentCount(p).segments).toBeLessThanOrEqual(3);
  });

  test('when an Arabic SMS is long, then each part fits 3 UCS-2 segments (201 units)', () => {
    const text = 'هذه جملة طويلة للاختبار. '.repeat(30);
    for (const p of splitForSms(text)) expect(p.length).toBeLessThanOrEqual(201);
  });

  test.each([
    ['*Going home*\nA _short_ and ~old~ note', 'Going home\nA short and old note'],
    ['*عودة طوعية*، خطوة بخطوة', 'عودة طوعية، خطوة بخطوة'],
    ['2*3 = 6 and *not closed', '2*3 = 6 and *not closed'],
    ['file_name_here stays', 'file_name_here stays'],
  ])('when an SMS carries WhatsApp marks (%j), then they are taken out and the words kept', (text, plain) => {
    expect(plainForSms(text)).toBe(plain);
    expect(splitForSms(text).join('\n')).toBe(plain);
  });

  test.each([13, 14, 15, 19, 22])('when a list of %d items is split over several SMS, then each part breaks between items and none is a stub', (n) => {
    const lines = ['Reply with a number:', ...Array.from({ length: n }, (_, i) => `${i + 1} ${'متن'.repeat(4)} ${i + 1}`), '0 القائمة'];
    const parts = splitForSms(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('\n')).toBe(lines.join('\n'));
    for (const p of parts) {
      expect(segmentCount(p).segments).toBeLessThanOrEqual(3);
      expect(p.split('\n').length).toBeGreaterThanOrEqual(3);
    }
  });

  test('when a WhatsApp reply exceeds 1600 characters, then it is split at paragraphs', () => {
    const para = 'x'.repeat(900);
    expect(splitForWhatsApp(`${para}\n\n${para}`)).toEqual([para, para]);
  });
});

describe('TwilioAdapter mapping', () => {
  test('when a form becomes an activity, then ids are the pseudonym, the raw form is in channelData, media become attachments', () => {
    const doc = newConversation('sms-' + 'f'.repeat(40), 'sms', '+15551230001', 0);
    doc.locale = 'fr';
    const a = new TwilioAdapter().toActivity(doc, { sid: 'SM1', body: 'salut', numMedia: 1, receivedAt: 5, payload: { MediaUrl0: 'https://m/0', MediaContentType0: 'image/jpeg' } });
    expect(a).toMatchObject({ type: 'message', id: 'SM1', channelId: 'sms', text: 'salut', locale: 'fr', conversation: { id: doc.id }, from: { id: doc.id } });
    expect(a.attachments).toEqual([{ contentType: 'image/jpeg', contentUrl: 'https://m/0' }]);
    expect(JSON.stringify({ ...a, channelData: undefined })).not.toContain('5551230001');
  });

  test('when asked to edit or delete a sent message, then it throws naming itself', async () => {
    const adapter = new TwilioAdapter();
    await expect(adapter.updateActivity()).rejects.toThrow('TwilioAdapter.updateActivity()');
    await expect(adapter.deleteActivity()).rejects.toThrow('TwilioAdapter.deleteActivity()');
  });
});

describe('WhatsApp interactive lists (Content API)', () => {
  const lists = { en: { lists: { '3': 'HX' + 'c'.repeat(32) } } };
  const collect = async (adapter: TwilioAdapter, channelId: string, list?: { header: string; items: Array<{ id: string; title: string }> }) => {
    const { TurnContext } = await import('botbuilder-core');
    const { OUTBOUND } = await import('../../src/conversation/turnKeys');
    const out: Array<Record<string, unknown>> = [];
    const ctx = new TurnContext(adapter, { type: 'message', channelId, locale: 'en', conversation: { id: 'c', isGroup: false, conversationType: 'personal', name: '' } } as never);
    ctx.turnState.set(OUTBOUND, { add: (m: Record<string, unknown>) => out.push(m) });
    await ctx.sendActivity({ type: 'message', text: 'Reply:\n1 A\n2 B\n0 Menu', channelData: list ? { list } : undefined });
    return out;
  };
  const list = { header: 'Reply:', items: [{ id: '1', title: 'A' }, { id: '2', title: 'B' }, { id: '0', title: 'Menu' }] };

  test('when a template exists for the language and item count, then WhatsApp gets the ContentSid with numbered ids, and the text stays for the transcript', async () => {
    const [m] = await collect(new TwilioAdapter(lists), 'whatsapp', list);
    expect(m.contentSid).toBe(lists.en.lists['3']);
    expect(JSON.parse(m.contentVariables as string)).toEqual({ '1': 'Reply:', '2': 'A', '3': '1', '4': 'B', '5': '2', '6': 'Menu', '7': '0' });
    expect(m.body).toContain('1 A');
  });

  test.each([
    ['SMS', 'sms', list],
    ['no template for that count', 'whatsapp', { ...list, items: list.items.slice(0, 2) }],
  ])('when %s, then the numbered text is sent', async (_n, channel, l) => {
    const [m] = await collect(new TwilioAdapter(lists), channel, l);
    expect(m.contentSid).toBeUndefined();
    expect(m.body).toBe('Reply:\n1 A\n2 B\n0 Menu');
  });

  test('when a user taps a list item, then the activity text is the item id, the same number an SMS user types', () => {
    const doc = newConversation('whatsapp-' + 'e'.repeat(40), 'whatsapp', 'whatsapp:+15551230001', 0);
    const a = new TwilioAdapter().toActivity(doc, { sid: 'SM2', body: 'Going home safely', numMedia: 0, receivedAt: 1, payload: { ListId: '2', ListTitle: 'Going home safely' } });
    expect(a.text).toBe('2');
  });
});
