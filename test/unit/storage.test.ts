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
    await store.claimInbound(id, { channel: 'sms', address: '+15559990000' }, item('SM2'));
    const files = fs.readdirSync(path.join(dir, 'conversations'));
    expect(files).toEqual([`${id}.json`]);
    const raw = fs.readFileSync(path.join(dir, 'conversations', files[0]), 'utf8');
    expect(raw).not.toMatch(/5559990000|secret/);
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
