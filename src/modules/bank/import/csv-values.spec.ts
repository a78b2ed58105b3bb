import { detectDateOrder, detectDecimalSeparator, parseCsvAmount, parseCsvDate } from './csv-values.js';

describe('parseCsvAmount', () => {
  it.each([
    ['1 234,56', ',', '1234.56'],
    ['1\u00a0234,56', ',', '1234.56'],
    ['1\u202f234,56', ',', '1234.56'],
    ['-1.234,56', ',', '-1234.56'],
    ['+12,5', ',', '12.50'],
    ['12,00 €', ',', '12.00'],
    ['1,234.56', '.', '1234.56'],
    ['-1234.5', '.', '-1234.50'],
    ['(12.50)', '.', '-12.50'],
    ['12.50-', '.', '-12.50'],
    ['EUR 7', '.', '7.00'],
    ['12.500', ',', '12500.00'],
    ['0,10', ',', '0.10'],
  ] as const)('%s with %s → %s', (text, decimal, value) => {
    expect(parseCsvAmount(text, decimal)).toEqual({ value });
  });

  it.each([
    ['abc', ','],
    ['12,34,56', ','],
    ['12.34,5', ','],
    ['1,234', ','],
    ['1.2.3', '.'],
    ['', '.'],
    ['1234567890123,00', ','],
  ] as const)('refuses %s with %s', (text, decimal) => {
    expect(parseCsvAmount(text, decimal)).toHaveProperty('problem');
  });
});

describe('detectDecimalSeparator', () => {
  it('trusts a value with both separators', () => {
    expect(detectDecimalSeparator(['1.234,56'], ',')).toBe(',');
    expect(detectDecimalSeparator(['1,234.56'], ';')).toBe('.');
  });

  it('reads a separator followed by one or two digits as decimal', () => {
    expect(detectDecimalSeparator(['12,5', '-3,40'], ',')).toBe(',');
    expect(detectDecimalSeparator(['12.50'], ';')).toBe('.');
  });

  it('falls back on the delimiter: ";" means a French file', () => {
    expect(detectDecimalSeparator(['12', '100'], ';')).toBe(',');
    expect(detectDecimalSeparator(['12', '100'], ',')).toBe('.');
  });
});

describe('parseCsvDate and detectDateOrder', () => {
  it('reads each order with any separator and two-digit years', () => {
    expect(parseCsvDate('05/01/2024', 'DD/MM/YYYY')).toBe('2024-01-05');
    expect(parseCsvDate('05.01.24', 'DD/MM/YYYY')).toBe('2024-01-05');
    expect(parseCsvDate('01/05/2024', 'MM/DD/YYYY')).toBe('2024-01-05');
    expect(parseCsvDate('2024-01-05', 'YYYY-MM-DD')).toBe('2024-01-05');
    expect(parseCsvDate('20240105', 'YYYY-MM-DD')).toBe('2024-01-05');
    expect(parseCsvDate('2024-01-05T10:00:00Z', 'YYYY-MM-DD')).toBe('2024-01-05');
    expect(parseCsvDate('05/01/2024 14:30', 'DD/MM/YYYY')).toBe('2024-01-05');
  });

  it('refuses impossible days and other shapes', () => {
    expect(parseCsvDate('31/02/2024', 'DD/MM/YYYY')).toBeNull();
    expect(parseCsvDate('2024-01-05', 'DD/MM/YYYY')).toBeNull();
    expect(parseCsvDate('Solde au 31/01/2024', 'DD/MM/YYYY')).toBeNull();
    expect(parseCsvDate('', 'DD/MM/YYYY')).toBeNull();
  });

  it('detects the order of a column', () => {
    expect(detectDateOrder(['2024-01-05', '2024-01-06'])).toBe('YYYY-MM-DD');
    expect(detectDateOrder(['13/01/2024'])).toBe('DD/MM/YYYY');
    expect(detectDateOrder(['01/13/2024'])).toBe('MM/DD/YYYY');
    expect(detectDateOrder(['01/02/2024'])).toBe('DD/MM/YYYY');
  });
});
