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

/**
 * Reads a signed amount (bank operations: a debit is negative) with the same rules as `parseAmount`,
 * and returns it with exactly 2 decimals ("-45.3" → "-45.30"). Zero is "0.00", never "-0.00".
 */
export function parseSignedAmount(input: unknown): { value: string } | { problem: AmountProblem } {
  const negative = typeof input === 'string' ? input.trim().startsWith('-') : Number(input) < 0;
  const magnitude =
    typeof input === 'string'
      ? parseAmount(input.trim().replace(/^-/, ''))
      : typeof input === 'number'
        ? parseAmount(Math.abs(input))
        : parseAmount(input);
  if ('problem' in magnitude) return magnitude;
  return {
    value: toAmount(negative ? new Decimal(magnitude.value).negated() : new Decimal(magnitude.value)),
  };
}

/** Any decimal string written with exactly 2 decimals ("12" → "12.00"), as numeric(14,2) stores it. */
export function normalizeAmount(amount: string): string {
  return toAmount(new Decimal(amount));
}

export function addAmounts(a: string, b: string): string {
  return toAmount(new Decimal(a).plus(b));
}

export function subtractAmounts(a: string, b: string): string {
  return toAmount(new Decimal(a).minus(b));
}

export function absAmount(amount: string): string {
  return toAmount(new Decimal(amount).abs());
}

export function negateAmount(amount: string): string {
  return toAmount(new Decimal(amount).negated());
}

export function isNegative(amount: string): boolean {
  return new Decimal(amount).isNegative() && !new Decimal(amount).isZero();
}

export function isZeroAmount(amount: string): boolean {
  return new Decimal(amount).isZero();
}

/** The larger of two amounts. */
export function maxAmount(a: string, b: string): string {
  return compareAmounts(a, b) >= 0 ? normalizeAmount(a) : normalizeAmount(b);
}

function toAmount(d: Decimal): string {
  const fixed = d.toFixed(MAX_FRACTION_DIGITS, Decimal.ROUND_HALF_EVEN);
  return fixed === '-0.00' ? '0.00' : fixed;
}

/**
 * An amount as a whole number of cents, for hot loops that compare many amounts (matching scores):
 * exact, since amounts have at most 2 decimals. Throws on what is not an amount.
 */
export function toCents(amount: string): bigint {
  const m = /^([+-]?)(\d+)(?:\.(\d{0,2}))?$/.exec(amount.trim());
  if (m) {
    const cents = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
    return m[1] === '-' ? -cents : cents;
  }
  const d = new Decimal(amount);
  if (!d.equals(d.toDecimalPlaces(MAX_FRACTION_DIGITS))) throw new Error(`not an amount in cents: ${amount}`);
  return BigInt(d.times(100).toFixed(0));
}

/** The inverse of `toCents`: "-1234.50". */
export function fromCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
