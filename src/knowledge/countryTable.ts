/**
 * The countries the bot gives numbers for, in the order the country question lists them: the programme's
 * partner countries, then transit and destination countries on their routes. Calling codes are ITU-T E.164
 * country codes (prefix-free: at most one matches the start of a number). Names come from Intl.DisplayNames or
 * locales/<lng>/ui.json `country.names.<code>`; numbers from the facts files (countries.json, transit-countries.json).
 */
export const COUNTRY_TABLE = [
  { code: 'AF', callingCode: '93', group: 'partner' },
  { code: 'EG', callingCode: '20', group: 'partner' },
  { code: 'ET', callingCode: '251', group: 'partner' },
  { code: 'IQ', callingCode: '964', group: 'partner' },
  { code: 'LB', callingCode: '961', group: 'partner' },
  { code: 'LY', callingCode: '218', group: 'partner' },
  { code: 'ML', callingCode: '223', group: 'partner' },
  { code: 'MA', callingCode: '212', group: 'partner' },
  { code: 'NE', callingCode: '227', group: 'partner' },
  { code: 'NG', callingCode: '234', group: 'partner' },
  { code: 'TD', callingCode: '235', group: 'partner' },
  { code: 'TN', callingCode: '216', group: 'partner' },
  { code: 'IT', callingCode: '39', group: 'transit' },
  { code: 'TR', callingCode: '90', group: 'transit' },
  { code: 'DZ', callingCode: '213', group: 'transit' },
  { code: 'IR', callingCode: '98', group: 'transit' },
  { code: 'PK', callingCode: '92', group: 'transit' },
  { code: 'SA', callingCode: '966', group: 'transit' },
] as const;

export type CountryCode = (typeof COUNTRY_TABLE)[number]['code'];
export const COUNTRY_CODES: readonly CountryCode[] = COUNTRY_TABLE.map((c) => c.code);

/**
 * The country of a sender: Twilio's `FromCountry` when it is one of ours, else the calling code at the start of
 * the number's first digits (`prefix`: "+" and at most 3 digits, all that is kept of the number).
 */
export function countryOfSender(fromCountry: string | undefined, prefix: string | undefined): CountryCode | undefined {
  const iso = fromCountry?.toUpperCase();
  const byIso = COUNTRY_TABLE.find((c) => c.code === iso);
  if (byIso) return byIso.code;
  const digits = prefix?.replace(/\D/g, '') ?? '';
  return digits ? COUNTRY_TABLE.find((c) => digits.startsWith(c.callingCode))?.code : undefined;
}
