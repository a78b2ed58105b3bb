/**
 * Seed 002 dates: `YYYY-MM-DD HH:mm:ss` read and written in APP_TIMEZONE (Europe/Paris by default),
 * stored as timestamptz. Built on Intl so that daylight-saving changes follow the IANA database.
 */

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;
/** The French way: 18/06/2021, 18/06/2021 20:21, 18/06/2021 20:21:00. */
const FRENCH = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(date: Date, timeZone: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts;
}

/** `2021-06-18 20:21:00` as the wall clock shows it in `timeZone`. */
export function formatLocalDateTime(date: Date, timeZone: string): string {
  const seconds = Math.floor(date.getTime() / 1000) * 1000;
  const wall = new Date(seconds + cachedOffsetMs(date, timeZone));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ` +
    `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`
  );
}

// Lists format thousands of dates a second, and Intl is slow (each create parsed its dates with four
// formatToParts): a zone's offset is looked up once per quarter hour of time (offsets change on such
// boundaries) and kept, unless it changes within it.
const SLOT_MS = 15 * 60 * 1000;
const offsets = new Map<string, number>();

function cachedOffsetMs(date: Date, timeZone: string): number {
  const slot = Math.floor(date.getTime() / SLOT_MS);
  const key = `${timeZone}|${slot}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const atStart = offsetMs(new Date(slot * SLOT_MS), timeZone);
  const atEnd = offsetMs(new Date((slot + 1) * SLOT_MS - 1000), timeZone);
  if (atStart !== atEnd) return offsetMs(date, timeZone);
  if (offsets.size >= 100_000) offsets.clear();
  offsets.set(key, atStart);
  return atStart;
}

/** `20210618`: the date part, digits only (receipt names). */
export function compactLocalDate(date: Date, timeZone: string): string {
  return formatLocalDateTime(date, timeZone).slice(0, 10).replace(/-/g, '');
}

/**
 * Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:mm[:ss]`, `DD/MM/YYYY[ HH:mm[:ss]]` (wall clock in `timeZone`) or
 * ISO 8601 with an offset.
 * Returns null for anything else, including impossible dates such as 2021-02-30.
 */
export function parseLocalDateTime(input: unknown, timeZone: string): Date | null {
  if (typeof input !== 'string') return null;
  const text = input.trim();
  if (WITH_OFFSET.test(text)) {
    const year = Number(text.slice(0, 4));
    const hour = Number(text.slice(11, 13));
    // Date accepts hour 24 as the next midnight; the local form does not, and neither do we.
    if (year < 1900 || year > 2999 || hour > 23) return null;
    const d = new Date(text);
    return Number.isNaN(d.getTime()) || !sameCalendarDay(text, d) ? null : d;
  }
  const iso = LOCAL.exec(text);
  const french = iso ? null : FRENCH.exec(text);
  if (!iso && !french) return null;
  const fields = iso
    ? iso.slice(1)
    : [french![3], french![2], french![1], french![4], french![5], french![6]];
  const [year, month, day, hour = 0, minute = 0, second = 0] = fields.map((v) => (v ? Number(v) : 0));
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(asUtc).getUTCDate() !== day) return null;
  // The zone's offset at that moment, found by looking at what its wall clock shows; twice, in case the
  // first guess falls on the other side of a daylight-saving change.
  let instant = asUtc - cachedOffsetMs(new Date(asUtc), timeZone);
  instant = asUtc - cachedOffsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(date: Date, timeZone: string): number {
  const p = wallClock(date, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

/** Rejects "2021-02-30T10:00:00Z", which Date would roll over to March. */
function sameCalendarDay(text: string, d: Date): boolean {
  const [y, mo, da] = text.slice(0, 10).split('-').map(Number);
  const guess = Date.UTC(y, mo - 1, da);
  return Math.abs(d.getTime() - guess) < 2 * 24 * 3600 * 1000 && new Date(guess).getUTCDate() === da;
}
