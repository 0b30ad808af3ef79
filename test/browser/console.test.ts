import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { ConsoleAccounts } from '../../src/console/accounts';

const PW = 'a long enough password 1';
const USER = '+15551239000';
const WA_USER = '+15551239001';
const REOPEN_SID = 'HX' + 'cd'.repeat(16);
const CHROMIUM = '/usr/bin/chromium';
const maybe = fs.existsSync(CHROMIUM) ? describe : describe.skip;

maybe('counsellor console in a browser', () => {
  let dir: string;
  let app: App;
  let base: string;
  let browser: Browser;
  let page: Page;
  let clock = Date.now();
  const closing = JSON.parse(fs.readFileSync(path.join(__dirname, '../../locales/en/ui.json'), 'utf8')).handoff.closed as string;

  async function webhook(body: string, from = USER): Promise<void> {
    const wa = from.startsWith('whatsapp:');
    const params = { MessageSid: 'SM' + randomBytes(16).toString('hex'), From: from, To: wa ? 'whatsapp:+15005550007' : '+15005550006', Body: body, NumMedia: '0' };
    const signature = twilio.getExpectedTwilioSignature(app.authToken, app.publicUrl() + '/twilio/messages', params);
    const res = await fetch(`${base}/twilio/messages`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    await app.worker.idle();
  }

  async function outboxHas(text: string): Promise<void> {
    await app.sender.idle();
    if (!app.dryRun!.to(USER).some((m) => m.body === text)) throw new Error(`the user never got: ${text}`);
  }

  async function signIn(): Promise<void> {
    await page.context().clearCookies();
    await page.goto(`${base}/console?lang=en`);
    await page.fill('#login-name', 'anna');
    await page.fill('#login-password', PW);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#live:text("Live")');
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-browser-'));
    const accounts = await ConsoleAccounts.open({ dir: path.join(dir, 'console') });
    await accounts.add('anna', 'counsellor', PW);
    app = await createApp(loadConfig({
      ...process.env, DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', PUBLIC_URL: '', TWILIO_SMS_NUMBER: '+15005550006',
      TWILIO_WHATSAPP_NUMBER: '+15005550007', WHATSAPP_CONTENT_SIDS: JSON.stringify({ en: { reopen: REOPEN_SID } }),
    }), { now: () => clock });
    const { port } = await app.listen(0);
    base = `http://localhost:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 412, height: 900 } });
    page.on('dialog', (d) => void d.accept());
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a user asks for a person, then a counsellor sees it live, claims, replies, reads the answer and closes', async () => {
    await signIn();

    await webhook('I want to talk to a person');
    const item = page.locator('#queue li[data-id]');
    await item.first().waitFor();
    const id = (await item.first().getAttribute('data-id'))!;
    await item.first().locator('button.open').click();
    await page.click('#claim');
    // the owner's controls appear once the claim has landed and the view shows the conversation as ours
    await page.locator('#release').waitFor();

    // live updates re-render the view; the reply box is the same element throughout, so what is typed stays and
    // the counter follows it
    await page.fill('#reply-text', 'Hello, I am Anna. Are you safe?');
    await page.locator('#segments', { hasText: '1 SMS segment(s) · GSM-7 · 31 characters' }).waitFor();
    await page.fill('#reply-text', 'مرحبا');
    await page.locator('#segments', { hasText: 'UCS-2' }).waitFor();
    await page.fill('#reply-text', 'Hello, I am Anna. Are you safe?');
    await page.locator('#segments', { hasText: 'GSM-7' }).waitFor();
    await page.click('#send');
    await page.locator('.transcript .msg.counsellor p', { hasText: 'Hello, I am Anna.' }).waitFor();
    await page.waitForFunction("document.getElementById('reply-text') && document.getElementById('reply-text').value === ''");
    await outboxHas('Hello, I am Anna. Are you safe?');

    await webhook('yes I am safe for now');
    await page.locator('.transcript .msg.user p[dir=auto]', { hasText: 'yes I am safe for now' }).waitFor();
    await page.screenshot({ path: path.join(__dirname, '../../test-artifacts/console.png'), fullPage: true });

    await page.locator(`#active li[data-id="${id}"]`).waitFor();
    await page.click('#close');
    await page.locator(`#active li[data-id="${id}"]`).waitFor({ state: 'detached' });
    await page.locator('#conversation p.muted', { hasText: 'Choose a conversation' }).waitFor();
    expect(await page.locator('#error').textContent()).toBe('');
    await outboxHas(closing);

    // the bot answers again
    const before = app.dryRun!.to(USER).length;
    await webhook('menu');
    await app.sender.idle();
    const after = app.dryRun!.to(USER).slice(before);
    expect(after.length).toBeGreaterThan(0);
    expect((await app.store.read(id))?.handoff.status).toBe('closed');
  }, 60000);

  it('when a WhatsApp user has been silent for 25 hours, then only the approved template can be sent, and STOP shows at once', async () => {
    const wa = `whatsapp:${WA_USER}`;
    await signIn();
    await webhook('I want to talk to a person', wa);
    const item = page.locator('#queue li[data-id]');
    await item.first().waitFor();
    const id = (await item.first().getAttribute('data-id'))!;
    await item.first().locator('button.open').click();
    await page.click('#claim');
    await page.locator('#window', { hasText: 'left to reply' }).waitFor();
    await page.locator('#reply-text').waitFor();

    clock += 25 * 60 * 60_000;
    await signIn(); // the session ended long ago
    await page.locator(`#active li[data-id="${id}"] button.open`).click();
    await page.locator('#window.warn').waitFor();
    expect(await page.locator('#reply-text').count()).toBe(0);
    await page.click('#reopen');
    await page.locator('.transcript .msg.counsellor p', { hasText: 'Approved template' }).waitFor();
    await app.sender.idle();
    expect(app.dryRun!.to(wa).at(-1)).toMatchObject({ contentSid: REOPEN_SID, body: undefined });

    await webhook('STOP', wa);
    await page.locator('#conversation p.warn', { hasText: 'The user sent STOP' }).waitFor();
    expect(await page.locator('#reopen, #reply-text').count()).toBe(0);
    await page.screenshot({ path: path.join(__dirname, '../../test-artifacts/console-whatsapp.png'), fullPage: true });
  }, 60000);
});
