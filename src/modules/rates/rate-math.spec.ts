import {
  evaluateRoute,
  findRoute,
  formatRate,
  invert,
  multiply,
  parseRate,
  type Fraction,
  type PairKey,
} from './rate-math.js';

const rate = (text: string): Fraction => {
  const value = parseRate(text);
  if (!value) throw new Error(`not a rate: ${text}`);
  return value;
};

/** Prices base_quote from a table written as in FIXED_RATES. */
function price(table: Record<PairKey, string>, base: string, quote: string): string | undefined {
  const rates = new Map(Object.entries(table).map(([k, v]) => [k, rate(v)]));
  const route = findRoute(base, quote, rates.keys());
  return route && formatRate(evaluateRoute(route, rates));
}

describe('parseRate', () => {
  it('reads positive decimals exactly and refuses anything else', () => {
    expect(parseRate('21885.605')).toEqual({ n: 4377121n, d: 200n });
    expect(parseRate('1.18')).toEqual({ n: 59n, d: 50n });
    expect(parseRate('007.50')).toEqual({ n: 15n, d: 2n });
    for (const bad of ['0', '0.000', '-1', '1e5', '1.', '.5', ' 1', 'NaN', '', '1,5']) {
      expect(parseRate(bad)).toBeUndefined();
    }
  });
});

describe('formatRate', () => {
  it('writes a terminating value exactly, without exponent or trailing zeros', () => {
    expect(formatRate(rate('21885.60500'))).toBe('21885.605');
    expect(formatRate(invert(rate('1.25')))).toBe('0.8');
    expect(formatRate(invert(rate('0.000045692133693556')))).toBe(
      // 1 / 0.000045692133693556 does not end: cut after 18 decimals
      '21885.605227077212200385',
    );
    expect(formatRate(rate('0.00000001'))).toBe('0.00000001');
    expect(formatRate(multiply(rate('1001.54'), rate('1.18')))).toBe('1181.8172');
  });

  it('cuts a non-terminating value after 18 decimals, never rounding up', () => {
    // 1/21885.605 = 0.0000456921341676412418116…: the 19th decimal (2) is dropped
    expect(formatRate(invert(rate('21885.605')))).toBe('0.000045692134167641');
    // 2/3 = 0.666…: cut, not rounded to …667
    expect(formatRate({ n: 2n, d: 3n })).toBe('0.666666666666666666');
    expect(formatRate({ n: 10n ** 30n, d: 3n })).toBe('333333333333333333333333333333.333333333333333333');
  });

  it('keeps 12 significant digits for a rate below 1e-6', () => {
    // BTC per Indonesian rupiah at 1.5 billion IDR per BTC: 6.666…e-10
    expect(formatRate(invert(rate('1500000000')))).toBe('0.000000000666666666666');
    expect(formatRate({ n: 1n, d: 3n * 10n ** 30n })).toBe(`0.${'0'.repeat(30)}333333333333`);
  });
});

describe('findRoute and evaluateRoute', () => {
  const table = { BTC_EUR: '21885.605', EUR_USD: '1.18' };

  it('prices a market as it is, and its inverse exactly', () => {
    expect(price(table, 'BTC', 'EUR')).toBe('21885.605');
    expect(price(table, 'EUR', 'BTC')).toBe('0.000045692134167641');
    expect(price(table, 'USD', 'EUR')).toBe('0.847457627118644067');
    expect(price(table, 'EUR', 'EUR')).toBe('1');
  });

  it('reproduces seed 003 from a table that gives BTC per EUR', () => {
    const seed = { EUR_BTC: '0.000045692133693556', EUR_USD: '1.18' };
    expect(price(seed, 'EUR', 'BTC')).toBe('0.000045692133693556');
    expect(price(seed, 'EUR', 'USD')).toBe('1.18');
    expect(formatRate(multiply(rate('1001.54'), rate(price(seed, 'EUR', 'BTC')!)))).toBe(
      '0.04576249957944407624',
    );
  });

  it('crosses through BTC, and computes the cross once from exact figures', () => {
    const btc = { BTC_USD: '25824.01390', BTC_EUR: '21885.605' };
    // Figures checked with decimal.js at 80 digits. Multiplying by the inverse once cut to 18 decimals
    // would give 1.179954307865826114: wrong from the 15th decimal.
    expect(price(btc, 'EUR', 'USD')).toBe('1.179954307865832358');
    expect(price(btc, 'USD', 'EUR')).toBe('0.847490443768697011');
    expect(price({ BTC_EUR: '20000', BTC_USD: '23600' }, 'EUR', 'USD')).toBe('1.18');
  });

  it('crosses through any common currency, preferring BTC', () => {
    expect(findRoute('GBP', 'CHF', ['GBP_USD', 'USD_CHF'])).toEqual([
      { market: 'GBP_USD', inverted: false },
      { market: 'USD_CHF', inverted: false },
    ]);
    expect(findRoute('EUR', 'USD', ['EUR_GBP', 'BTC_EUR', 'GBP_USD', 'BTC_USD'])).toEqual([
      { market: 'BTC_EUR', inverted: true },
      { market: 'BTC_USD', inverted: false },
    ]);
    expect(price({ EUR_SEK: '11.5', EUR_NOK: '11.5' }, 'SEK', 'NOK')).toBe('1');
  });

  it('finds nothing beyond one intermediate currency or outside the table', () => {
    expect(findRoute('BTC', 'JPY', ['BTC_EUR', 'EUR_USD'])).toBeUndefined();
    expect(findRoute('BTC', 'JPY', ['BTC_EUR', 'EUR_USD', 'USD_JPY'])).toBeUndefined();
    expect(findRoute('BTC', 'EUR', [])).toBeUndefined();
  });
});
