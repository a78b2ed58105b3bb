import { Decimal as BaseDecimal } from 'decimal.js';
import { BTC_DECIMALS, MAX_MINOR_UNITS, minorUnits } from './currency.js';

/**
 * Amounts are decimal strings end to end (PostgreSQL `numeric` ↔ JSON string); any arithmetic goes
 * through decimal.js or whole minor units (bigint), never through JS floats, and nothing here rounds an
 * amount to fit a scale: what does not fit is refused (a problem for input, a RangeError for a bug).
 */
export const MAX_INTEGER_DIGITS = 12;
/** The scale of the helpers that take no currency (receipts, bank lines: euros). */
export const MAX_FRACTION_DIGITS = 2;

// decimal.js rounds every result to 20 significant digits by default: 12 integer digits and 8 decimals
// already take 20, so a sum could be rounded silently. 64 digits leave any sum of amounts exact.
const Decimal = BaseDecimal.clone({ precision: 64 });
type Decimal = BaseDecimal;

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

/** Exactly 2 decimals; an amount with more is a bug upstream (inputs are checked), never rounded here. */
function toAmount(d: Decimal): string {
  if (!d.equals(d.toDecimalPlaces(MAX_FRACTION_DIGITS))) {
    throw new RangeError(`${d.toFixed()} has more than ${MAX_FRACTION_DIGITS} decimals: it is not rounded`);
  }
  const fixed = d.toFixed(MAX_FRACTION_DIGITS);
  return fixed === '-0.00' ? '0.00' : fixed;
}

/**
 * An amount as a whole number of cents, for hot loops that compare many amounts (matching scores):
 * exact, since amounts have at most 2 decimals. Throws on what is not an amount.
 */
export function toCents(amount: string): bigint {
  return toMinorUnits(amount, MAX_FRACTION_DIGITS);
}

/** The inverse of `toCents`: "-1234.50". */
export function fromCents(cents: bigint): string {
  return fromMinorUnits(cents, MAX_FRACTION_DIGITS);
}

const PLAIN_DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

/**
 * An amount as a whole number of its smallest unit at `scale` decimals ("12.5" at 2 → 1250n), exactly.
 * Zeros past the scale are harmless ("1.500" at 2 → 150n); any other digit there throws a RangeError
 * rather than being rounded away.
 */
export function toMinorUnits(amount: string, scale: number): bigint {
  let m = PLAIN_DECIMAL.exec(amount.trim());
  if (!m) {
    // Exponent forms ("1e2", ".5") that decimal.js reads; what it cannot read is not an amount.
    let plain: string;
    try {
      plain = new Decimal(amount.trim()).toFixed();
    } catch {
      throw new RangeError(`not an amount: ${amount}`);
    }
    m = PLAIN_DECIMAL.exec(plain);
    if (!m) throw new RangeError(`not an amount: ${amount}`);
  }
  const [, sign, integer, fraction = ''] = m;
  if (/[^0]/.test(fraction.slice(scale))) {
    throw new RangeError(`${amount} has more than ${scale} decimals: it is not rounded`);
  }
  const minor = BigInt(integer + fraction.slice(0, scale).padEnd(scale, '0'));
  return sign === '-' ? -minor : minor;
}

/** The inverse of `toMinorUnits`: 1250n at 2 → "12.50", at 0 → "1250". Zero is never "-0". */
export function fromMinorUnits(minor: bigint, scale: number): string {
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(scale + 1, '0');
  if (scale === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/**
 * a × b at `scale` decimals, as a whole number of that unit, exactly then rounded `up` (toward +∞) or
 * `down` (toward −∞): a price times a rate, to the satoshi. Both are plain non-negative decimals of any
 * length ("1001.54" × "0.000045692133693556").
 */
export function multiplyToMinorUnits(a: string, b: string, scale: number, rounding: 'up' | 'down'): bigint {
  const read = (text: string) => {
    const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
    if (!m) throw new RangeError(`not a non-negative decimal: ${text}`);
    return { digits: BigInt(m[1] + (m[2] ?? '')), scale: (m[2] ?? '').length };
  };
  const x = read(a);
  const y = read(b);
  const digits = x.digits * y.digits;
  const exponent = x.scale + y.scale - scale;
  if (exponent <= 0) return digits * 10n ** BigInt(-exponent);
  const divisor = 10n ** BigInt(exponent);
  const quotient = digits / divisor;
  return rounding === 'up' && digits % divisor !== 0n ? quotient + 1n : quotient;
}

// ---- Amounts in a currency: each at its own scale (currency.ts) --------------------------------------

/**
 * Past this many decimals an input is refused outright: far more than any scale (BTC's 8) and than a
 * JSON number's shortest form (17 significant digits), so only padding with zeros is read past a scale.
 */
const MAX_PARSED_DECIMALS = Math.max(MAX_MINOR_UNITS, 17) + 3;

/**
 * Reads an amount in `currency` from a JSON number or a string, as `parseAmount` reads it (the same
 * reading of JSON numbers: 0.1 + 0.2 arrives as 0.30000000000000004 and is refused, never rounded), and
 * writes it at the currency's scale: "1200.5" EUR → "1200.50", "1000.00" JPY → "1000", "1.234" KWD →
 * "1.234". Digits past the scale are refused unless they are zeros, which change no value (a JSON
 * number 1000.00 arrives as 1000 anyway, so the string "1000.00" is taken alike).
 */
export function parseMoney(input: unknown, currency: string): { value: string } | { problem: AmountProblem } {
  const parsed = parseAmount(input, { maxFractionDigits: MAX_PARSED_DECIMALS });
  if ('problem' in parsed) return parsed;
  const scale = minorUnits(currency);
  const fraction = parsed.value.split('.')[1] ?? '';
  if (/[^0]/.test(fraction.slice(scale))) return { problem: 'too_many_decimals' };
  return { value: fromMinorUnits(toMinorUnits(parsed.value, scale), scale) };
}

/** An amount written at its currency's scale ("5" USD → "5.00"); throws if it does not fit exactly. */
export function formatMoney(amount: string, currency: string): string {
  const scale = minorUnits(currency);
  return fromMinorUnits(toMinorUnits(amount, scale), scale);
}

/** The exact sum, at the currency's scale: 33.33 + 33.33 + 33.34 EUR is "100.00". */
export function sumMoney(amounts: readonly string[], currency: string): string {
  const scale = minorUnits(currency);
  return fromMinorUnits(
    amounts.reduce((sum, a) => sum + toMinorUnits(a, scale), 0n),
    scale,
  );
}

/** `a − b` exactly, at the currency's scale (negative when b is larger). */
export function subtractMoney(a: string, b: string, currency: string): string {
  const scale = minorUnits(currency);
  return fromMinorUnits(toMinorUnits(a, scale) - toMinorUnits(b, scale), scale);
}

// ---- Lightning: millisatoshis ---------------------------------------------------------------------

/**
 * Lightning counts whole millisatoshis (BOLT 11 amounts, LND's `value_msat` and `amt_paid_msat`): an
 * explicit unit here, a bigint, 10^11 to the bitcoin. Not "BTC at 11 decimals": BTC always has the
 * satoshi's 8 decimals (what an on-chain output and a payment request in BTC can hold), and whoever
 * turns millisatoshis into BTC says what to do with a fraction of a satoshi.
 */
export const MSAT_PER_BTC = 100_000_000_000n;
const MSAT_PER_SAT = 1000n;
const MSAT_DECIMALS = BTC_DECIMALS + 3;

/** A BTC amount in millisatoshis, exactly; one finer than a millisatoshi throws (never rounded). */
export function btcToMsat(btc: string): bigint {
  return toMinorUnits(btc, MSAT_DECIMALS);
}

/**
 * Millisatoshis as BTC at 8 decimals. `exact` throws on a fraction of a satoshi; `down`/`up` say which
 * whole satoshi to take (what was received rounds down, what is asked for rounds up).
 */
export function msatToBtc(msat: bigint, rounding: 'exact' | 'down' | 'up'): string {
  let sats = msat / MSAT_PER_SAT;
  const rest = msat % MSAT_PER_SAT;
  if (rest !== 0n) {
    if (rounding === 'exact') throw new RangeError(`${msat} msat is not a whole number of satoshis`);
    // bigint division truncates toward zero.
    if (rounding === 'up' && rest > 0n) sats += 1n;
    if (rounding === 'down' && rest < 0n) sats -= 1n;
  }
  return fromMinorUnits(sats, BTC_DECIMALS);
}
