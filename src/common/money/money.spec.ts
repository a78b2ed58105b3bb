import {
  absAmount,
  addAmounts,
  fromCents,
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
