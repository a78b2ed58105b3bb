/**
 * Exchange-rate arithmetic on exact fractions (bigint numerator and denominator): a table of market
 * rates prices a pair directly, as the inverse of the opposite market, or through one other currency,
 * and only the final figure is written out as a decimal. Nothing here rounds until then, so a cross rate
 * is not computed from an already-cut inverse.
 */

/** A pair key, `BASE_QUOTE`: 1 BASE = rate QUOTE. */
export type PairKey = string;

export const pairKey = (base: string, quote: string): PairKey => `${base}_${quote}`;

export function splitPair(key: PairKey): { base: string; quote: string } {
  const [base, quote] = key.split('_');
  return { base, quote };
}

/**
 * Decimals kept when a rate does not terminate (1/21885.605): 18, as the seed's `btc_rate` shows, cut
 * rather than rounded. Below 1e-6 more are kept, so that a rate always keeps 12 significant digits.
 */
export const RATE_DECIMALS = 18;
export const RATE_MIN_SIGNIFICANT_DIGITS = 12;

/** A positive rational number, always reduced. */
export interface Fraction {
  n: bigint;
  d: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A positive decimal string ("21885.605") as an exact fraction; undefined if it is not one or is zero. */
export function parseRate(text: string): Fraction | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const decimals = match[2] ?? '';
  const n = BigInt(match[1] + decimals);
  if (n === 0n) return undefined;
  return reduce(n, 10n ** BigInt(decimals.length));
}

export function multiply(a: Fraction, b: Fraction): Fraction {
  return reduce(a.n * b.n, a.d * b.d);
}

export function invert(a: Fraction): Fraction {
  return { n: a.d, d: a.n };
}

export function compareFractions(a: Fraction, b: Fraction): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The decimal string of a rate: exact when it terminates (1.18, 1/1.25 = 0.8), else cut after
 * RATE_DECIMALS decimals, or after as many as keep RATE_MIN_SIGNIFICANT_DIGITS significant digits.
 * No exponent, no trailing zeros.
 */
export function formatRate(value: Fraction): string {
  const exactDecimals = terminatingDecimals(value.d);
  if (exactDecimals !== undefined) return toDecimalString(value, exactDecimals);
  let decimals = RATE_DECIMALS;
  for (;;) {
    const digits = ((value.n * 10n ** BigInt(decimals)) / value.d).toString();
    if (digits !== '0' && digits.length >= RATE_MIN_SIGNIFICANT_DIGITS) break;
    decimals += digits === '0' ? RATE_DECIMALS : RATE_MIN_SIGNIFICANT_DIGITS - digits.length;
  }
  return toDecimalString(value, decimals);
}

/** The decimals a fraction's exact expansion needs, or undefined when it never ends. */
function terminatingDecimals(denominator: bigint): number | undefined {
  let d = denominator;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  return d === 1n ? Math.max(twos, fives) : undefined;
}

/** value truncated to `decimals` places, trailing zeros dropped. */
function toDecimalString(value: Fraction, decimals: number): string {
  const scaled = (value.n * 10n ** BigInt(decimals)) / value.d;
  const digits = scaled.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

function reduce(n: bigint, d: bigint): Fraction {
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** One step of a route: a market of the table, taken as it is or inverted. */
export interface Leg {
  market: PairKey;
  inverted: boolean;
}

/** Preferred intermediate currencies for a cross rate, before any other the table holds. */
const PREFERRED_VIAS = ['BTC', 'USD', 'EUR'];

/**
 * How `base_quote` is priced from the markets in `table`: the market itself, the inverse of the opposite
 * one, or through one intermediate currency (BTC first, then USD, EUR, then any other in the table's
 * order). Undefined when the table cannot price it.
 */
export function findRoute(base: string, quote: string, markets: Iterable<PairKey>): Leg[] | undefined {
  const table = new Set(markets);
  if (base === quote) return [];
  const direct = legFor(base, quote, table);
  if (direct) return [direct];
  const currencies = new Set(PREFERRED_VIAS);
  for (const key of table) {
    const { base: b, quote: q } = splitPair(key);
    currencies.add(b).add(q);
  }
  for (const via of currencies) {
    if (via === base || via === quote) continue;
    const first = legFor(base, via, table);
    const second = first && legFor(via, quote, table);
    if (first && second) return [first, second];
  }
  return undefined;
}

function legFor(base: string, quote: string, table: Set<PairKey>): Leg | undefined {
  if (table.has(pairKey(base, quote))) return { market: pairKey(base, quote), inverted: false };
  if (table.has(pairKey(quote, base))) return { market: pairKey(quote, base), inverted: true };
  return undefined;
}

/** The exact value of a route over the table's rates (each market in the route must be there). */
export function evaluateRoute(route: Leg[], rates: ReadonlyMap<PairKey, Fraction>): Fraction {
  let value: Fraction = { n: 1n, d: 1n };
  for (const leg of route) {
    const rate = rates.get(leg.market);
    if (!rate) throw new Error(`market ${leg.market} is not in the table`);
    value = multiply(value, leg.inverted ? invert(rate) : rate);
  }
  return value;
}
