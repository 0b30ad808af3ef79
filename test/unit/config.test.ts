import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config';
import { envDocs, envSchema } from '../../src/config/schema';

describe('configuration', () => {
  test('when nothing is set, then defaults give a dry-run bot on port 3978 with ./data', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3978, dataDir: './data', dryRun: true, retentionDays: 90, simulatorEnabled: true });
  });

  test('when several keys are bad, then one error names every one of them', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', TWILIO_SMS_NUMBER: '0612', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    for (const key of ['PORT', 'TWILIO_SMS_NUMBER', 'PUBLIC_URL', 'LOG_LEVEL']) expect(err!.message).toContain(key);
  });

  test.each([
    [{ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32) }, /set both/],
    [{ NODE_ENV: 'production' }, /PSEUDONYM_KEY: required in production/],
    [{ NODE_ENV: 'production' }, /DATA_ENCRYPTION_KEY: required in production/],
    [{ OFFICE_TIMEZONE: 'Mars/Olympus' }, /time zone/],
  ])('when the environment is %p, then it is refused with %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  test('when credentials are complete, then it is not dry-run and the public URL loses its trailing slash', () => {
    const c = loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32), TWILIO_AUTH_TOKEN: 't', TWILIO_SMS_NUMBER: '+15005550006', PUBLIC_URL: 'https://bot.example.org/' });
    expect(c.dryRun).toBe(false);
    expect(c.publicUrl).toBe('https://bot.example.org');
  });

  test('then .env.example lists exactly the keys of the schema, each with a comment', () => {
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '.env.example'), 'utf8');
    const keys = [...text.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(keys).toEqual(Object.keys(envSchema.shape).sort());
    for (const k of keys) expect(text).toContain(`# ${envDocs[k as keyof typeof envDocs]}\n${k}=`);
  });
});
