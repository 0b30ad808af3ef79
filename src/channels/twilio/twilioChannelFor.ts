import type { Config } from '../../config/config';
import { DryRunMessagesApi } from './dryRunMessagesApi';
import { TwilioMessagesApi, createTwilioClient } from './twilioMessagesApi';
import { TwilioChannelSender } from './twilioChannelSender';

/**
 * The Twilio channel for this configuration, behind the core's ChannelSender port: Twilio's Messages API, or in
 * dry-run mode the in-memory recorder (returned as `dryRun` too, for the simulator and `npm run chat`). The same
 * for the app and `npm run purge`.
 */
export function twilioChannelFor(config: Pick<Config, 'dryRun' | 'twilio'>): { channel: TwilioChannelSender; dryRun?: DryRunMessagesApi } {
  const numbers = { sms: config.twilio.smsNumber, whatsapp: config.twilio.whatsappNumber };
  if (config.dryRun) {
    const dryRun = new DryRunMessagesApi();
    return { channel: new TwilioChannelSender(dryRun, numbers), dryRun };
  }
  const api = new TwilioMessagesApi(createTwilioClient({ accountSid: config.twilio.accountSid!, authToken: config.twilio.authToken!, apiBaseUrl: config.twilio.apiBaseUrl }));
  return { channel: new TwilioChannelSender(api, numbers) };
}
