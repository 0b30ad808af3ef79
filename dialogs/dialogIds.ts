export const MAIN_DIALOG = 'mainDialog';
export const MAIN_FLOW = 'mainFlow';
export const WAIT_PROMPT = 'waitForText';
export const LANGUAGE_DIALOG = 'languageDialog';
export const LANGUAGE_PROMPT = 'languagePrompt';
export const COUNTRY_DIALOG = 'countryDialog';
export const COUNTRY_PROMPT = 'countryPrompt';
