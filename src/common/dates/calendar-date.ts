import { formatLocalDateTime, parseLocalDateTime } from './zoned-date.js';

/**
 * Bank dates are calendar days (`YYYY-MM-DD`, PostgreSQL `date`): no time, no time zone. These helpers
 * work on the strings themselves, through UTC midnights, so that no local offset can shift a day.
 */
const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 3600 * 1000;

/** A real day between 1900 and 2999 (2021-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = m.slice(1).map(Number);
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1) return false;
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** The calendar date of these parts, or null when they name no real day. */
export function calendarDate(year: number, month: number, day: number): string | null {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isCalendarDate(text) ? text : null;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `b - a` in whole days (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** The day `instant` falls on, on the wall clock of `timeZone`. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  return formatLocalDateTime(instant, timeZone).slice(0, 10);
}

/** Midnight of a calendar day on the wall clock of `timeZone`, as an instant. */
export function startOfDayIn(date: string, timeZone: string): Date {
  const instant = parseLocalDateTime(date, timeZone);
  if (!instant) throw new Error(`not a calendar date: ${date}`);
  return instant;
}
