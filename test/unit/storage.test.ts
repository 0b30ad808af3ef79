import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Storage } from 'botbuilder-core';
import { DocumentStorage } from '../../src/storage/documentStorage';
import { LowdbConversationStore } from '../../src/storage/lowdbConversationStore';
import { Cipher, parseKeyRing } from '../../src/privacy/cipher';

/** botbuilder's Storage contract (eTag), run against every Storage we ship. */
function storageContract(name: string, make: () => Storage) {
  describe(`${name} honours the eTag contract`, () => {
    test('when an item is written, then it reads back with an eTag', async () => {
      const s = make();
      await s.write({ a: { n: 1 } });
      const r = await s.read(['a', 'missing']);
      expect(r.a.n).toBe(1);
      expect(typeof r.a.eTag).toBe('string');
      expect(r.missing).toBeUndefined();
    });
    test('when a write carries a stale eTag, then it is rejected and the item keeps its value', async () => {
      const s = make();
      await s.write({ a: { n: 1 } });
      const first = (await s.read(['a'])).a;
      await s.write({ a: { ...first, n: 2 } });
      await expect(s.write({ a: { ...first, n: 3 } })).rejects.toThrow(/eTag/);
      expect((await s.read(['a'])).a.n).toBe(2);
    });
    test("when a write carries '*', then it always wins", async () => {
      const s = make();
      await s.write({ a: { n: 1 } });
      await s.write({ a: { n: 5, eTag: '*' } });
      expect((await s.read(['a'])).a.n).toBe(5);
    });
    test('when an item is deleted, then it reads as absent', async () => {
      const s = make();
      await s.write({ a: { n: 1 } });
      await s.delete(['a']);
      expect((await s.read(['a'])).a).toBeUndefined();
    });
  });
}

storageContract('DocumentStorage', () => new DocumentStorage({}));

describe('LowdbConversationStore', () => {
  const key = '00'.repeat(32);
  const open = (dir: string) => LowdbConversationStore.open({ dataDir: dir, sealer: new Cipher(parseKeyRing(`k1:${key}`)) });
  const id = 'sms-' + 'a'.repeat(40);
  const item = (sid: string) => ({ sid, body: 'my secret text', numMedia: 0, receivedAt: 1, payload: {} });

  test('when the same MessageSid is claimed five times, three at once, then exactly one is accepted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-store-'));
    const store = await open(dir);
    const init = { channel: 'sms' as const, address: '+15559990000' };
    const concurrent = await Promise.all([1, 2, 3].map(() => store.claimInbound(id, init, item('SM1'))));
    const later = [await store.claimInbound(id, init, item('SM1')), await store.claimInbound(id, init, item('SM1'))];
    expect([...concurrent, ...later].filter((r) => r === 'accepted')).toHaveLength(1);
    expect((await store.read(id))!.inbox).toHaveLength(1);
    expect(await store.listPending()).toEqual([id]);
  });

  test('then nothing readable is on disk, and a reopened store reads the same document', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-store-'));
    const store = await open(dir);
    const everyFile = () => (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile())
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
    await store.claimInbound(id, { channel: 'sms', address: '+15559990000' }, item('SM2'));
    expect(everyFile()).not.toMatch(/5559990000|secret/); // the message is in the journal, sealed
    await store.update(id, (doc) => void (doc.locale = 'en')); // now in its document
    expect(fs.readdirSync(path.join(dir, 'conversations'))).toEqual([`${id}.json`]);
    expect(everyFile()).not.toMatch(/5559990000|secret/);
    const again = await open(dir);
    expect((await again.read(id))!.inbox[0].body).toBe('my secret text');
  });

  test('when a conversation is removed, then its file and pending marker are gone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-store-'));
    const store = await open(dir);
    await store.claimInbound(id, { channel: 'sms', address: '+15559990000' }, item('SM3'));
    await store.remove(id);
    expect(await store.read(id)).toBeUndefined();
    expect(await store.listPending()).toEqual([]);
  });
});

describe('LowdbConversationStore inbound journal', () => {
  const sealer = new Cipher(parseKeyRing(`k1:${'00'.repeat(32)}`));
  const open = (dir: string) => LowdbConversationStore.open({ dataDir: dir, sealer });
  const init = { channel: 'sms' as const, address: '+15559990002' };
  const item = (sid: string) => ({ sid, body: 'my secret text', numMedia: 0, receivedAt: 1, payload: {} });
  const journalRecords = (dir: string) => fs.readFileSync(path.join(dir, 'inbound.journal'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(sealer.decrypt(l)) as { conversationId: string; item: { sid: string } });

  test('when a claimed message has not reached its document and the process dies, then a new store finds it pending, still a duplicate, and takes it in once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-journal-'));
    const id = 'sms-' + 'c'.repeat(40);
    const first = await open(dir);
    expect(await first.claimInbound(id, init, item('SM1'))).toBe('accepted');
    expect(await first.claimInbound(id, init, item('SM2'))).toBe('accepted');
    expect(fs.existsSync(path.join(dir, 'conversations', `${id}.json`))).toBe(false); // one append each, no document yet
    // killed: no close(); a torn line from a flush that never completed follows
    fs.appendFileSync(path.join(dir, 'inbound.journal'), 'enc:v1:k1:torn');
    const second = await open(dir);
    expect(await second.listPending()).toEqual([id]);
    expect(await second.claimInbound(id, init, item('SM1'))).toBe('duplicate');
    expect(await second.claimInbound(id, init, item('SM3'))).toBe('accepted'); // appended where the torn line was
    // killed again
    const third = await open(dir);
    const inbox = await third.update(id, (doc) => doc.inbox.map((i) => i.sid));
    expect(inbox).toEqual(['SM1', 'SM2', 'SM3']);
    await third.update(id, (doc) => void doc.inbox.splice(0));
    expect(await third.claimInbound(id, init, item('SM2'))).toBe('duplicate');
    expect(await third.listPending()).toEqual([]);
    await third.close();
  });

  test('when every journaled message is in its document, then the journal is emptied; when a conversation is erased, then none of its records stays', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-journal-'));
    const [kept, erased] = ['sms-' + 'd'.repeat(40), 'sms-' + 'e'.repeat(40)];
    const store = await open(dir);
    await store.claimInbound(kept, init, item('SM-k1'));
    await store.update(kept, (doc) => void doc.inbox.splice(0));
    await new Promise((r) => setTimeout(r, 50)); // compaction runs after the merge
    expect(fs.statSync(path.join(dir, 'inbound.journal')).size).toBe(0);

    await store.claimInbound(kept, init, item('SM-k2'));
    await store.claimInbound(erased, { ...init, address: '+15559990003' }, item('SM-e1'));
    expect(journalRecords(dir).map((r) => r.conversationId).sort()).toEqual([kept, erased].sort());
    await store.remove(erased);
    expect(journalRecords(dir).map((r) => [r.conversationId, r.item.sid])).toEqual([[kept, 'SM-k2']]);
    expect(await store.read(erased)).toBeUndefined();
    await store.close();
  });
});
