import readline from 'node:readline';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { loadConfigFromProcess } from '../config/config';
import { resolveSecrets } from '../privacy/secrets';

/**
 * `npm run chat [-- --channel whatsapp] [-- --from +15550000001]`: an interactive conversation as an SMS or
 * WhatsApp user. Sends real signed webhooks to the running server and prints the replies (dry-run mode) as the
 * phone would show them.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const channel = arg('channel') === 'whatsapp' ? 'whatsapp' : 'sms';
  const number = arg('from') ?? '+15550000001';
  const config = loadConfigFromProcess();
  const token = config.twilio.authToken ?? resolveSecrets({ dataDir: config.dataDir, production: false }).devAuthToken;
  const base = `http://127.0.0.1:${config.port}`;
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const from = channel === 'whatsapp' ? `whatsapp:${number}` : number;
  const to = channel === 'whatsapp' ? `whatsapp:${config.twilio.whatsappNumber ?? '+15005550007'}` : config.twilio.smsNumber ?? '+15005550006';
  let seen = Date.now() - 1;
  console.log(`Chatting as ${channel.toUpperCase()} user ${number} with ${base} (Ctrl+C to quit).`);
  if (!config.dryRun) console.log('Twilio credentials are set: replies go to Twilio, not to this terminal.');
  const poll = async () => {
    try {
      const res = await fetch(`${base}/dev/outbox?to=${encodeURIComponent(from)}&after=${seen}`);
      if (res.ok) {
        for (const m of (await res.json()) as Array<{ at: number; body: string }>) {
          seen = Math.max(seen, m.at);
          console.log(`\n[bot] ${m.body.split('\n').join('\n      ')}`);
        }
      }
    } catch {
      /* server not up yet */
    }
  };
  const timer = setInterval(poll, 400);
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  rl.prompt();
  rl.on('line', async (line) => {
    const sid = 'SM' + randomBytes(16).toString('hex');
    const params: Record<string, string> = { MessageSid: sid, SmsMessageSid: sid, AccountSid: config.twilio.accountSid ?? 'AC' + '0'.repeat(32), From: from, To: to, Body: line, NumMedia: '0' };
    const signature = twilio.getExpectedTwilioSignature(token, `${publicUrl}/twilio/messages`, params);
    try {
      const res = await fetch(`${base}/twilio/messages`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(params).toString() });
      if (res.status !== 200) console.log(`[webhook answered ${res.status}: ${await res.text()}]`);
    } catch (err) {
      console.log(`[server not reachable at ${base}: ${(err as Error).message}]`);
    }
    setTimeout(() => rl.prompt(), 600);
  });
  rl.on('close', () => {
    clearInterval(timer);
    process.exit(0);
  });
}

void main();
