/** Weekly counsellor hours in one IANA time zone, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00". */
export interface OfficeHours {
  timeZone: string;
  /** index 0 = Sunday; minutes since midnight, [start, end) */
  days: Array<Array<[number, number]>>;
  spec: string;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function parseOfficeHours(spec: string, timeZone: string): OfficeHours {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  } catch {
    throw new Error(`unknown time zone "${timeZone}"`);
  }
  const days: OfficeHours['days'] = DAYS.map(() => []);
  for (const part of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = part.toLowerCase().match(/^([a-z]{3})(?:-([a-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/);
    if (!m) throw new Error(`cannot read "${part}" (expected like "mon-fri 09:00-17:00")`);
    const from = DAYS.indexOf(m[1]);
    const to = m[2] ? DAYS.indexOf(m[2]) : from;
    if (from < 0 || to < 0) throw new Error(`unknown day in "${part}"`);
    const start = +m[3] * 60 + +m[4];
    const end = +m[5] * 60 + +m[6];
    if (start >= end || end > 24 * 60) throw new Error(`bad time range in "${part}"`);
    for (let d = from; ; d = (d + 1) % 7) {
      days[d].push([start, end]);
      if (d === to) break;
    }
  }
  return { timeZone, days, spec };
}

function localParts(at: Date, timeZone: string): { day: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3)), minutes: +get('hour') * 60 + +get('minute') };
}

export function isOpen(hours: OfficeHours, at: Date): boolean {
  const { day, minutes } = localParts(at, hours.timeZone);
  return hours.days[day].some(([s, e]) => minutes >= s && minutes < e);
}

/** The next opening as {dayIndex, minutes} in the office time zone, or null when no hours are set. */
export function nextOpening(hours: OfficeHours, at: Date): { day: number; minutes: number; inDays: number } | null {
  const { day, minutes } = localParts(at, hours.timeZone);
  for (let k = 0; k < 8; k++) {
    const d = (day + k) % 7;
    const starts = hours.days[d].map(([s]) => s).filter((s) => k > 0 || s > minutes).sort((a, b) => a - b);
    if (starts.length) return { day: d, minutes: starts[0], inDays: k };
  }
  return null;
}

/** The instant of the next opening (to the minute), or null when no hours are set. */
export function nextOpeningAt(hours: OfficeHours, at: Date): Date | null {
  const next = nextOpening(hours, at);
  if (!next) return null;
  const { minutes } = localParts(at, hours.timeZone);
  const whole = new Date(Math.floor(at.getTime() / 60000) * 60000);
  return new Date(whole.getTime() + (next.inDays * 24 * 60 + next.minutes - minutes) * 60000);
}
