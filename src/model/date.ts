import { inputCodes, PybaseError } from './diagnostic.js';

/**
 * Calendar dates are ISO strings `YYYY-MM-DD` (UTC) everywhere in pybase: they compare correctly
 * as strings, print as users write them, and keep "today" out of the library (callers pass it in).
 */
export type IsoDate = string;

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Validate a user-written date; throws a PybaseError naming the input when it is not a real date. */
export function parseIsoDate(text: string, what = '--date'): IsoDate {
  const m = isoDatePattern.exec(text.trim());
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) {
      return `${m[1]}-${m[2]}-${m[3]}`;
    }
  }
  throw new PybaseError({
    code: inputCodes.badDate,
    severity: 'error',
    message: `${what}: '${text}' is not a date`,
    hint: 'write dates as YYYY-MM-DD, for example 2026-11-27',
  });
}

/** The UTC calendar date of an instant. */
export function isoDateOf(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}

/** The UTC calendar date of an ISO 8601 timestamp with any offset (`2026-08-13T12:26:54-07:00`). */
export function utcDateOfTimestamp(timestamp: string): IsoDate {
  if (isoDatePattern.test(timestamp)) return timestamp;
  return isoDateOf(new Date(timestamp));
}

const dayMs = 86_400_000;

function toEpochDay(date: IsoDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / dayMs);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date((toEpochDay(date) + days) * dayMs).toISOString().slice(0, 10);
}

/** Add whole calendar months, clamping the day to the month's length. */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(ny, nm, Math.min(d, last))).toISOString().slice(0, 10);
}
