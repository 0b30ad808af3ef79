import fs from 'node:fs';
import { z } from 'zod';
import type { CountryCode as TableCode } from './countryTable';

const entrySchema = z.object({
  service: z.string().optional(),
  name: z.string().optional(),
  number: z.string().nullable(),
  source: z.string().nullable().optional(),
  verified: z.boolean(),
  asOf: z.string().nullable().optional(),
  kind: z.string().optional(),
}).passthrough();

const countrySchema = z.object({
  country: z.string(),
  iso2: z.string().length(2),
  emergency: z.array(entrySchema),
  hotlines: z.array(entrySchema),
  iomOffice: z.object({ city: z.string().nullable().optional(), verified: z.boolean().optional(), source: z.string().nullable().optional() }).passthrough().optional(),
}).passthrough();

const fileSchema = z.object({ countries: z.array(countrySchema) });

export type CountryCode = TableCode | 'OTHER';

export interface CardLine {
  kind: string;
  number: string;
  date: string | null;
  source: string;
  group: 'emergency' | 'hotline';
}

export interface CountryCard {
  code: CountryCode;
  lines: CardLine[];
  /** verified IOM office city, without street or phone unless verified */
  iomCity: string | null;
}

/**
 * Country facts for users: only entries with `verified: true` and a number, each with its source and date.
 * Unverified entries stay in the data file for staff to check and are never shown.
 */
export class CountryCards {
  private readonly cards = new Map<string, CountryCard>();

  /** `files`: the facts files (partner countries, transit countries), each `{ countries: [...] }` */
  constructor(files: string[]) {
    const countries = files.flatMap((file) => fileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).countries);
    for (const c of countries) {
      const lines: CardLine[] = [];
      for (const [group, list] of [['emergency', c.emergency], ['hotline', c.hotlines]] as const) {
        for (const e of list) {
          if (!e.verified || !e.number || !e.kind || !e.source) continue;
          lines.push({ kind: e.kind, number: e.number, date: e.asOf ?? null, source: e.source, group });
        }
      }
      const iomCity = c.iomOffice?.verified && c.iomOffice.city ? c.iomOffice.city.replace(/\s*\(.*\)\s*$/, '') : null;
      this.cards.set(c.iso2, { code: c.iso2 as CountryCode, lines, iomCity });
    }
  }

  card(code: CountryCode): CountryCard {
    return this.cards.get(code) ?? { code, lines: [], iomCity: null };
  }
}
