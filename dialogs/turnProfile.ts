import type { TurnContext } from 'botbuilder-core';
import type { Profile } from './profile';

/** The bot layer loads the profile before the dialogs run and saves it after; dialogs read and change it here. */
export const PROFILE = Symbol('profile');

export function profileOf(context: TurnContext): Profile {
  const p = context.turnState.get(PROFILE) as Profile | undefined;
  if (!p) throw new Error('profileOf(): no profile in this turn (the bot layer sets it before dialogs run)');
  return p;
}

export function languageOf(context: TurnContext): string {
  return profileOf(context).language ?? context.activity.locale ?? 'en';
}
