import { Decimal } from 'decimal.js';

/**
 * Amounts are decimal strings end to end (PostgreSQL `numeric` ↔ JSON string); any arithmetic goes
 * through decimal.js, never through JS floats.
 */
export const MAX_INTEGER_DIGITS = 12;
export const MAX_FRACTION_DIGITS = 2;

export type AmountProblem = 'not_a_number' | 'too_many_decimals' | 'too_large' | 'negative';

const DECIMAL = /^([+-]?)(\d+)(?:[.,](\d*))?$/;

/**
 * Reads an amount from a JSON number or a string ("1200.50", "1200,50", "12"). JSON numbers are taken
 * by their shortest round-trip form, so 0.1 + 0.2 arrives as "0.30000000000000004" and is refused for
 * its decimals instead of being silently rounded. Returns the normalised string, keeping the scale the
 * client wrote ("1200.50" stays "1200.50"). At most 2 decimals unless `maxFractionDigits` says otherwise
 * (currencies with 3 or 4 minor units).
 */
export function parseAmount(
  input: unknown,
  options: { maxFractionDigits?: number } = {},
): { value: string } | { problem: AmountProblem } {
  const maxFractionDigits = options.maxFractionDigits ?? MAX_FRACTION_DIGITS;
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { problem: 'not_a_number' };
    text = numberToPlainString(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { problem: 'not_a_number' };
  }
  const match = DECIMAL.exec(text);
  if (!match) return { problem: 'not_a_number' };
  const [, sign, integerPart, fraction = ''] = match;
  if (fraction.length > maxFractionDigits) return { problem: 'too_many_decimals' };
  const integer = integerPart.replace(/^0+(?=\d)/, '');
  if (integer.length > MAX_INTEGER_DIGITS) return { problem: 'too_large' };
  const value = fraction ? `${integer}.${fraction}` : integer;
  if (sign === '-' && new Decimal(value).greaterThan(0)) return { problem: 'negative' };
  return { value };
}

export function isPositive(amount: string): boolean {
  return new Decimal(amount).greaterThan(0);
}

export function compareAmounts(a: string, b: string): number {
  return new Decimal(a).comparedTo(new Decimal(b));
}

/** Avoids exponent notation ("1e+21", "1e-7") that String() gives for very large or small numbers. */
function numberToPlainString(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? new Decimal(s).toFixed() : s;
}
