import {
  absAmount,
  addAmounts,
  btcToMsat,
  formatMoney,
  fromCents,
  fromMinorUnits,
  msatToBtc,
  MSAT_PER_BTC,
  parseMoney,
  subtractMoney,
  sumMoney,
  toMinorUnits,
  compareAmounts,
  isNegative,
  isPositive,
  isZeroAmount,
  MAX_FRACTION_DIGITS,
  MAX_INTEGER_DIGITS,
  maxAmount,
  negateAmount,
  normalizeAmount,
  parseAmount,
  parseSignedAmount,
  subtractAmounts,
  toCents,
} from './money.js';

describe('parseAmount', () => {
  describe('accepted amounts', () => {
    it('keeps the scale the client wrote', () => {
      expect(parseAmount('1200.50')).toEqual({ value: '1200.50' });
      expect(parseAmount('12')).toEqual({ value: '12' });
      expect(parseAmount('0.00')).toEqual({ value: '0.00' });
    });

    it('reads a decimal comma as a decimal point', () => {
      expect(parseAmount('12,50')).toEqual({ value: '12.50' });
      expect(parseAmount('1200,5')).toEqual({ value: '1200.5' });
    });

    it('drops leading zeros but keeps a single zero before the point', () => {
      expect(parseAmount('0012')).toEqual({ value: '12' });
      expect(parseAmount('000')).toEqual({ value: '0' });
      expect(parseAmount('00.50')).toEqual({ value: '0.50' });
    });

    it('ignores surrounding whitespace, a leading + and a trailing point', () => {
      expect(parseAmount('  12.50 ')).toEqual({ value: '12.50' });
      expect(parseAmount('+5')).toEqual({ value: '5' });
      expect(parseAmount('12.')).toEqual({ value: '12' });
    });

    it('reads JSON numbers by their shortest round-trip form', () => {
      expect(parseAmount(12)).toEqual({ value: '12' });
      expect(parseAmount(12.5)).toEqual({ value: '12.5' });
      expect(parseAmount(1200.05)).toEqual({ value: '1200.05' });
      expect(parseAmount(0)).toEqual({ value: '0' });
    });

    it(`accepts ${MAX_INTEGER_DIGITS} integer digits and ${MAX_FRACTION_DIGITS} decimals`, () => {
      expect(parseAmount('999999999999.99')).toEqual({ value: '999999999999.99' });
      expect(parseAmount(999999999999.99)).toEqual({ value: '999999999999.99' });
    });

    it('treats a negative zero as zero rather than as a negative amount', () => {
      expect(parseAmount('-0')).toEqual({ value: '0' });
      expect(parseAmount('-0.00')).toEqual({ value: '0.00' });
      expect(parseAmount(-0)).toEqual({ value: '0' });
    });
  });

  describe('too many decimals', () => {
    it('refuses a third decimal instead of rounding it away', () => {
      expect(parseAmount('12.345')).toEqual({ problem: 'too_many_decimals' });
      expect(parseAmount('12,345')).toEqual({ problem: 'too_many_decimals' });
    });

    it('refuses 0.1 + 0.2 sent as a JS number (0.30000000000000004)', () => {
      expect(parseAmount(0.1 + 0.2)).toEqual({ problem: 'too_many_decimals' });
    });

    it('refuses tiny numbers that String() writes with an exponent', () => {
      expect(parseAmount(1e-7)).toEqual({ problem: 'too_many_decimals' });
    });
  });

  describe('too large', () => {
    it(`refuses ${MAX_INTEGER_DIGITS + 1} integer digits`, () => {
      expect(parseAmount('1000000000000')).toEqual({ problem: 'too_large' });
      expect(parseAmount('1000000000000.00')).toEqual({ problem: 'too_large' });
    });

    it('does not count leading zeros as digits', () => {
      expect(parseAmount('0999999999999')).toEqual({ value: '999999999999' });
    });

    it('refuses 1e21, which String() writes with an exponent', () => {
      expect(parseAmount(1e21)).toEqual({ problem: 'too_large' });
    });
  });

  describe('negative amounts', () => {
    it('refuses them as strings and as numbers', () => {
      expect(parseAmount('-5')).toEqual({ problem: 'negative' });
      expect(parseAmount('-0.01')).toEqual({ problem: 'negative' });
      expect(parseAmount(-12.5)).toEqual({ problem: 'negative' });
    });
  });

  describe('not a number', () => {
    it.each([
      ['a word', 'abc'],
      ['an empty string', ''],
      ['only spaces', '   '],
      ['an arithmetic expression', '0.1+0.2'],
      ['a thousands separator', '1 200'],
      ['both separators', '1,200.50'],
      ['an exponent in a string', '1e3'],
      ['hexadecimal', '0x10'],
      ['a lone sign', '-'],
      ['non-ASCII digits', '١٢'],
    ])('refuses %s (%j)', (_, input) => {
      expect(parseAmount(input)).toEqual({ problem: 'not_a_number' });
    });

    it.each([
      ['null', null],
      ['undefined', undefined],
      ['an object', { value: '12' }],
      ['an array', ['12']],
      ['a boolean', true],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ])('refuses %s', (_, input) => {
      expect(parseAmount(input)).toEqual({ problem: 'not_a_number' });
    });
  });
});

describe('isPositive', () => {
  it('is true only above zero', () => {
    expect(isPositive('0.01')).toBe(true);
    expect(isPositive('1200.50')).toBe(true);
    expect(isPositive('0')).toBe(false);
    expect(isPositive('0.00')).toBe(false);
    expect(isPositive('-1')).toBe(false);
  });
});

describe('compareAmounts', () => {
  it('compares decimal values, not strings', () => {
    expect(compareAmounts('2', '10')).toBe(-1);
    expect(compareAmounts('10', '2')).toBe(1);
    expect(compareAmounts('100.01', '100')).toBe(1);
  });

  it('considers amounts of different scales equal when their values are', () => {
    expect(compareAmounts('1200.50', '1200.5')).toBe(0);
    expect(compareAmounts('12', '12.00')).toBe(0);
  });

  it('stays exact beyond float precision', () => {
    expect(compareAmounts('999999999999.99', '999999999999.98')).toBe(1);
    expect(compareAmounts('0.30', '0.3')).toBe(0);
  });
});

describe('signed amounts (bank operations)', () => {
  it('reads a sign and writes exactly 2 decimals', () => {
    expect(parseSignedAmount('-45.3')).toEqual({ value: '-45.30' });
    expect(parseSignedAmount('+1200,5')).toEqual({ value: '1200.50' });
    expect(parseSignedAmount(' -0 ')).toEqual({ value: '0.00' });
    expect(parseSignedAmount(-12.5)).toEqual({ value: '-12.50' });
    expect(parseSignedAmount('12')).toEqual({ value: '12.00' });
  });

  it('refuses what parseAmount refuses', () => {
    expect(parseSignedAmount('-1.234')).toEqual({ problem: 'too_many_decimals' });
    expect(parseSignedAmount('--1')).toEqual({ problem: 'negative' });
    expect(parseSignedAmount('abc')).toEqual({ problem: 'not_a_number' });
    expect(parseSignedAmount(null)).toEqual({ problem: 'not_a_number' });
    expect(parseSignedAmount('-1234567890123')).toEqual({ problem: 'too_large' });
  });

  it('adds, subtracts, negates and takes absolute values without floats', () => {
    expect(addAmounts('0.10', '0.20')).toBe('0.30');
    expect(subtractAmounts('100', '99.99')).toBe('0.01');
    expect(subtractAmounts('12.5', '12.50')).toBe('0.00');
    expect(absAmount('-45.30')).toBe('45.30');
    expect(negateAmount('0')).toBe('0.00');
    expect(negateAmount('12.3')).toBe('-12.30');
    expect(normalizeAmount('1200.5')).toBe('1200.50');
    expect(maxAmount('-1', '0')).toBe('0.00');
  });

  it('tells the sign', () => {
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0')).toBe(false);
    expect(isZeroAmount('-0.00')).toBe(true);
    expect(isZeroAmount('0.01')).toBe(false);
  });
});

describe('cents', () => {
  it('converts amounts to whole cents exactly, and back', () => {
    expect(toCents('1200.5')).toBe(120050n);
    expect(toCents('-0.07')).toBe(-7n);
    expect(toCents('12')).toBe(1200n);
    expect(toCents('12.')).toBe(1200n);
    expect(toCents('+3.10')).toBe(310n);
    expect(toCents('1.500')).toBe(150n);
    expect(fromCents(-123450n)).toBe('-1234.50');
    expect(fromCents(7n)).toBe('0.07');
  });

  it('refuses what is not a whole number of cents', () => {
    expect(() => toCents('1.234')).toThrow();
    expect(() => toCents('abc')).toThrow();
  });
});

describe("no rounding behind anyone's back", () => {
  it('refuses to round a 2-decimal result rather than dropping digits', () => {
    expect(() => addAmounts('0.001', '0.002')).toThrow(RangeError);
    expect(() => subtractAmounts('1', '0.005')).toThrow(RangeError);
    expect(() => normalizeAmount('1.005')).toThrow(RangeError);
    expect(() => absAmount('-0.125')).toThrow(RangeError);
  });

  it('stays exact beyond 20 significant digits (decimal.js rounds there by default)', () => {
    expect(addAmounts('1234567890123456789.01', '0.01')).toBe('1234567890123456789.02');
    expect(subtractAmounts('100000000000000000000.01', '0.02')).toBe('99999999999999999999.99');
  });
});

describe('minor units', () => {
  it('turns an amount into whole units of its scale and back, exactly', () => {
    expect(toMinorUnits('12.5', 2)).toBe(1250n);
    expect(toMinorUnits('1000', 0)).toBe(1000n);
    expect(toMinorUnits('1.234', 3)).toBe(1234n);
    expect(toMinorUnits('-0.00000001', 8)).toBe(-1n);
    expect(toMinorUnits('1.500', 2)).toBe(150n);
    expect(toMinorUnits('1e2', 2)).toBe(10000n);
    expect(fromMinorUnits(1250n, 2)).toBe('12.50');
    expect(fromMinorUnits(1000n, 0)).toBe('1000');
    expect(fromMinorUnits(5n, 3)).toBe('0.005');
    expect(fromMinorUnits(-1n, 8)).toBe('-0.00000001');
    expect(fromMinorUnits(0n, 4)).toBe('0.0000');
  });

  it('throws for digits past the scale instead of rounding them', () => {
    expect(() => toMinorUnits('1000.5', 0)).toThrow(RangeError);
    expect(() => toMinorUnits('1.2345', 3)).toThrow(RangeError);
    expect(() => toMinorUnits('abc', 2)).toThrow(RangeError);
  });
});

describe('amounts in a currency', () => {
  describe('parseMoney', () => {
    it.each([
      ['1200.5', 'EUR', '1200.50'],
      ['1200,5', 'EUR', '1200.50'],
      [12, 'EUR', '12.00'],
      ['1000', 'JPY', '1000'],
      [1000, 'JPY', '1000'],
      ['1000.00', 'JPY', '1000'],
      ['1.234', 'KWD', '1.234'],
      ['1.234', 'BHD', '1.234'],
      ['0.0001', 'CLF', '0.0001'],
      ['0.00000001', 'BTC', '0.00000001'],
      [0.00000001, 'BTC', '0.00000001'],
      ['20999999.99999999', 'BTC', '20999999.99999999'],
      ['7', 'ISK', '7'],
    ])('reads %j in %s as %s', (input, currency, value) => {
      expect(parseMoney(input, currency)).toEqual({ value });
    });

    it.each([
      ['1000.5', 'JPY'],
      [1000.5, 'JPY'],
      ['1.2345', 'KWD'],
      ['12.345', 'EUR'],
      ['0.000000001', 'BTC'],
      ['1.5', 'ISK'],
    ])('refuses %j in %s for its decimals', (input, currency) => {
      expect(parseMoney(input, currency)).toEqual({ problem: 'too_many_decimals' });
    });

    it('refuses 0.1 + 0.2 sent as a JSON number, in any currency (it arrives as 0.30000000000000004)', () => {
      for (const currency of ['EUR', 'KWD', 'CLF', 'BTC']) {
        expect(parseMoney(0.1 + 0.2, currency)).toEqual({ problem: 'too_many_decimals' });
      }
    });

    it('refuses what parseAmount refuses', () => {
      expect(parseMoney('-5', 'EUR')).toEqual({ problem: 'negative' });
      expect(parseMoney('1000000000000', 'JPY')).toEqual({ problem: 'too_large' });
      expect(parseMoney('1e3', 'EUR')).toEqual({ problem: 'not_a_number' });
      expect(parseMoney(null, 'EUR')).toEqual({ problem: 'not_a_number' });
      expect(parseMoney(`1.${'0'.repeat(40)}`, 'EUR')).toEqual({ problem: 'too_many_decimals' });
    });
  });

  it('writes an amount at its currency scale', () => {
    expect(formatMoney('5', 'USD')).toBe('5.00');
    expect(formatMoney('1200.5', 'EUR')).toBe('1200.50');
    expect(formatMoney('1000.000', 'JPY')).toBe('1000');
    expect(formatMoney('1.2', 'KWD')).toBe('1.200');
    expect(formatMoney('0.1', 'BTC')).toBe('0.10000000');
    expect(() => formatMoney('1000.5', 'JPY')).toThrow(RangeError);
    expect(() => formatMoney('1', 'XYZ')).toThrow(RangeError);
  });

  it('adds exactly: 33.33 + 33.33 + 33.34 is 100.00', () => {
    expect(sumMoney(['33.33', '33.33', '33.34'], 'EUR')).toBe('100.00');
    expect(sumMoney(['0.1', '0.2'], 'EUR')).toBe('0.30');
    expect(sumMoney(['333', '333', '334'], 'JPY')).toBe('1000');
    expect(sumMoney(['0.333', '0.333', '0.334'], 'KWD')).toBe('1.000');
    expect(sumMoney(['0.00000001', '20999999.99999999'], 'BTC')).toBe('21000000.00000000');
    expect(sumMoney([], 'EUR')).toBe('0.00');
    expect(sumMoney(Array<string>(10).fill('0.1'), 'EUR')).toBe('1.00');
  });

  it('subtracts exactly, negative when the second is larger', () => {
    expect(subtractMoney('100', '99.99', 'EUR')).toBe('0.01');
    expect(subtractMoney('1000', '1200', 'JPY')).toBe('-200');
    expect(subtractMoney('1.000', '1.001', 'KWD')).toBe('-0.001');
  });

  it('refuses an operand finer than the currency rather than rounding it', () => {
    expect(() => sumMoney(['1', '0.5'], 'JPY')).toThrow(RangeError);
    expect(() => subtractMoney('1', '0.001', 'EUR')).toThrow(RangeError);
  });
});

describe('Lightning millisatoshis', () => {
  it('converts BTC to msat exactly', () => {
    expect(MSAT_PER_BTC).toBe(100_000_000_000n);
    expect(btcToMsat('1')).toBe(100_000_000_000n);
    expect(btcToMsat('0.00000001')).toBe(1000n);
    expect(btcToMsat('21000000')).toBe(2_100_000_000_000_000_000n);
    expect(() => btcToMsat('0.000000000001')).toThrow(RangeError);
  });

  it('converts msat to BTC at the satoshi, saying what to do with a fraction of one', () => {
    expect(msatToBtc(2500n * 1000n, 'exact')).toBe('0.00002500');
    expect(() => msatToBtc(1001n, 'exact')).toThrow(RangeError);
    expect(msatToBtc(1001n, 'down')).toBe('0.00000001');
    expect(msatToBtc(1001n, 'up')).toBe('0.00000002');
    expect(msatToBtc(999n, 'down')).toBe('0.00000000');
    expect(msatToBtc(-1001n, 'down')).toBe('-0.00000002');
    expect(msatToBtc(-1001n, 'up')).toBe('-0.00000001');
    // BOLT 11's pico example: 9678785340p is 967878534 msat.
    expect(msatToBtc(967_878_534n, 'up')).toBe('0.00967879');
  });
});
