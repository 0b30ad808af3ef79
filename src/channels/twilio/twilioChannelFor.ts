import type { Config } from '../../config/config';
import { DryRunMessagesApi } from './dryRunMessagesApi';
import type { MessagesApi } from './messagesApi';
import { TwilioMessagesApi, createTwilioClient } from './twilioMessagesApi';

/**
 * Twilio's Messages API for this configuration, or in dry-run mode the in-memory recorder (returned as `dryRun`
 * too, for the simulator and `npm run chat`). The same for the app and `npm run purge`.
 */
export function messagesApiFor(config: Pick<Config, 'dryRun' | 'twilio'>): { api: MessagesApi; dryRun?: DryRunMessagesApi } {
  if (config.dryRun) {
    const dryRun = new DryRunMessagesApi();
    return { api: dryRun, dryRun };
  }
  return { api: new TwilioMessagesApi(createTwilioClient({ accountSid: config.twilio.accountSid!, authToken: config.twilio.authToken!, apiBaseUrl: config.twilio.apiBaseUrl })) };
}
