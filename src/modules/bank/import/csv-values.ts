import { Decimal } from 'decimal.js';
import { calendarDate } from '../../../common/dates/calendar-date.js';
import { parseSignedAmount } from '../../../common/money/money.js';

/** Day, month and year order of a CSV's dates; the separator (/ - .) does not matter. */
export const DATE_ORDERS = ['DD/MM/YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD'] as const;
export type DateOrder = (typeof DATE_ORDERS)[number];

export type DecimalSeparator = ',' | '.';

const DMY_OR_MDY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/;
const YMD =
  /^(\d{4})[/.-]?(\d{2})[/.-]?(\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** A bank date in the given order; a two-digit year is 20yy. Null when it names no real day. */
export function parseCsvDate(text: string, order: DateOrder): string | null {
  const t = text.trim();
  if (order === 'YYYY-MM-DD') {
    const m = YMD.exec(t);
    return m ? calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  }
  const m = DMY_OR_MDY.exec(t);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  return order === 'DD/MM/YYYY' ? calendarDate(year, b, a) : calendarDate(year, a, b);
}

/**
 * The order of a column of dates: ISO when they look ISO; otherwise day first unless a value can only be
 * month first (13/01 is a day, 01/13 a month). Ambiguous columns (every part ≤ 12) are read day first,
 * as French banks write them; `dateFormat` overrides this.
 */
export function detectDateOrder(samples: string[]): DateOrder {
  const values = samples.map((s) => s.trim()).filter(Boolean);
  if (values.length > 0 && values.filter((v) => YMD.test(v)).length >= values.length / 2) return 'YYYY-MM-DD';
  let dayFirst = false;
  let monthFirst = false;
  for (const v of values) {
    const m = DMY_OR_MDY.exec(v);
    if (!m) continue;
    if (Number(m[1]) > 12) dayFirst = true;
    if (Number(m[2]) > 12) monthFirst = true;
  }
  return monthFirst && !dayFirst ? 'MM/DD/YYYY' : 'DD/MM/YYYY';
}

// Spaces of all kinds (incl. no-break and narrow no-break) and apostrophes group thousands.
const GROUPING = /[\s\u00a0\u202f'’]/g;
const CURRENCY = /€|\$|£|\b(?:EUR|USD|GBP|CHF)\b/gi;

/**
 * The decimal separator of a column of amounts: a value with both separators tells (the last one is
 * decimal), then a value whose only separator is followed by 1 or 2 digits. With no evidence, the comma
 * when the file's delimiter is `;` (a French export), the point otherwise.
 */
export function detectDecimalSeparator(samples: string[], delimiter: string): DecimalSeparator {
  let comma = 0;
  let point = 0;
  for (const raw of samples) {
    const v = raw.replace(GROUPING, '').replace(CURRENCY, '');
    const lastComma = v.lastIndexOf(',');
    const lastPoint = v.lastIndexOf('.');
    if (lastComma >= 0 && lastPoint >= 0) {
      if (lastComma > lastPoint) comma++;
      else point++;
    } else if (/,\d{1,2}\)?-?$/.test(v)) {
      comma++;
    } else if (/\.\d{1,2}\)?-?$/.test(v)) {
      point++;
    }
  }
  if (comma !== point) return comma > point ? ',' : '.';
  return delimiter === ';' ? ',' : '.';
}

/**
 * An amount as people and spreadsheets write it: "1 234,56", "-1.234,56", "1,234.56", "1'234.56",
 * "+12.00 €", "(12.50)" or "12.50-" for a negative. Thousands separators must split groups of three
 * digits, all with the same character, and cannot be the decimal separator: "1 23,45", "1.234,56" with a
 * point as decimal separator or "12.34,5" are refused rather than guessed. Returns the signed amount
 * with 2 decimals.
 */
export function parseCsvAmount(
  text: string,
  decimal: DecimalSeparator,
): { value: string } | { problem: string } {
  const notAnAmount = { problem: `"${text}" is not an amount` };
  let v = text.replace(CURRENCY, '').trim();
  if (v === '') return { problem: 'empty' };
  let negative = false;
  if (/^\(.*\)$/.test(v)) {
    negative = true;
    v = v.slice(1, -1).trim();
  }
  if (/^[^-+]+-$/.test(v)) {
    negative = true;
    v = v.slice(0, -1).trim();
  }
  if (v.startsWith('-')) {
    negative = !negative;
    v = v.slice(1).trim();
  } else if (v.startsWith('+')) {
    v = v.slice(1).trim();
  }
  const parts = v.split(decimal);
  if (parts.length > 2) return notAnAmount;
  const [integer, fraction] = parts;
  if (fraction !== undefined && !/^\d*$/.test(fraction)) return notAnAmount;
  const grouped = THOUSANDS.exec(integer);
  if (!/^\d+$/.test(integer) && !(grouped && grouped[1] !== decimal)) return notAnAmount;
  const digits = integer.replace(/\D/g, '');
  const d = new Decimal(`${digits}.${fraction || '0'}`);
  if (!d.equals(d.toDecimalPlaces(2))) return { problem: `"${text}" has more than 2 decimals` };
  const parsed = parseSignedAmount(`${negative ? '-' : ''}${d.toFixed(2)}`);
  return 'value' in parsed ? parsed : { problem: `"${text}" is too large` };
}

/** Digits in groups of three after the first, split by one and the same separator: "1 234 567", "1.234". */
const THOUSANDS = /^\d{1,3}([\s'’.,])\d{3}(?:\1\d{3})*$/;
