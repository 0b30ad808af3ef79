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
const CHROMIUM = '/usr/bin/chromium';
const maybe = fs.existsSync(CHROMIUM) ? describe : describe.skip;

maybe('counsellor console in a browser', () => {
  let dir: string;
  let app: App;
  let base: string;
  let browser: Browser;
  let page: Page;
  const closing = JSON.parse(fs.readFileSync(path.join(__dirname, '../../locales/en/ui.json'), 'utf8')).handoff.closed as string;

  async function webhook(body: string): Promise<void> {
    const params = { MessageSid: 'SM' + randomBytes(16).toString('hex'), From: USER, To: '+15005550006', Body: body, NumMedia: '0' };
    const signature = twilio.getExpectedTwilioSignature(app.authToken, app.publicUrl() + '/twilio/messages', params);
    const res = await fetch(`${base}/twilio/messages`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    await app.worker.idle();
  }

  async function outboxHas(text: string): Promise<void> {
    for (let i = 0; i < 100; i++) {
      await app.sender.idle();
      if (app.dryRun!.to(USER).some((m) => m.body === text)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the user never got: ${text}`);
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smb-console-browser-'));
    const accounts = await ConsoleAccounts.open({ dir: path.join(dir, 'console') });
    await accounts.add('anna', 'counsellor', PW);
    app = await createApp(loadConfig({
      ...process.env, DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'silent', TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '', PUBLIC_URL: '', TWILIO_SMS_NUMBER: '+15005550006',
    }));
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
    await page.goto(`${base}/console?lang=en`);
    await page.fill('#login-name', 'anna');
    await page.fill('#login-password', PW);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#live:text("Live")');

    await webhook('I want to talk to a person');
    const item = page.locator('#queue li[data-id]');
    await item.first().waitFor();
    await item.first().locator('button.open').click();
    await page.click('#claim');

    // the view re-renders when the claim lands (live event): type again until the counter reflects the draft
    const typeReply = async (text: string, counter: string) => {
      for (let i = 0; i < 40; i++) {
        await page.fill('#reply-text', text);
        if (await page.locator(`#segments:text("${counter}")`).count()) return;
        await page.waitForTimeout(250);
      }
      throw new Error(`the segment counter never showed ${counter}`);
    };
    await typeReply('Hello, I am Anna. Are you safe?', '1 SMS segment(s) · GSM-7');
    await typeReply('مرحبا', 'UCS-2');
    await typeReply('Hello, I am Anna. Are you safe?', 'GSM-7');
    await page.click('#send');
    await outboxHas('Hello, I am Anna. Are you safe?');
    await page.locator('.transcript .msg.counsellor p', { hasText: 'Hello, I am Anna.' }).waitFor();

    await webhook('yes I am safe for now');
    await page.locator('.transcript .msg.user p[dir=auto]', { hasText: 'yes I am safe for now' }).waitFor();
    await page.screenshot({ path: path.join(__dirname, '../../test-artifacts/console.png'), fullPage: true });

    await page.click('#close');
    await outboxHas(closing);
    await page.locator('#queue li.muted').waitFor();
  }, 60000);
});
