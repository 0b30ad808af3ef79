import type { BotAdapter, TurnContext } from 'botbuilder-core';
import type { Translator } from '../../dialogs/ports';
import type { Logger } from '../logging/logger';

/** The adapter's one error path: log with ids (never text), apologise in the user's language. */
export function installTurnErrorHandler(adapter: BotAdapter, translator: Translator, logger: Logger): void {
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error({ err: { name: error?.name, message: error?.message, stack: error?.stack }, conversation: context.activity.conversation?.id, messageSid: context.activity.id }, 'onTurnError');
    try {
      await context.sendActivity({ type: 'message', text: translator.t(context.activity.locale ?? 'en', 'error.generic'), channelData: { origin: 'system' } });
    } catch (err) {
      logger.error({ err: { name: (err as Error)?.name } }, 'onTurnError: apology not sent');
    }
  };
}
