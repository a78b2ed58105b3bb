import { BTC, ISO_4217_CODES, isCurrencyCode, MAX_MINOR_UNITS, minorUnits } from './currency.js';

describe('currencies and their scales', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['ISK', 0],
    ['XOF', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['CLF', 4],
    ['UYW', 4],
    ['BTC', 8],
  ])('%s has %i decimals', (code, scale) => {
    expect(isCurrencyCode(code)).toBe(true);
    expect(minorUnits(code)).toBe(scale);
  });

  // Node's Intl (CLDR) gives the digits usually displayed, not ISO 4217's minor unit: IQD 0, HUF 0, COP 0.
  it.each([
    ['IQD', 3],
    ['HUF', 2],
    ['COP', 2],
    ['IRR', 2],
    ['ALL', 2],
    ['MGA', 2],
    ['UYI', 0],
  ])("%s follows ISO 4217 (%i), not the runtime's display digits", (code, scale) => {
    expect(minorUnits(code)).toBe(scale);
  });

  it('knows active codes that the runtime does not (CLF, UYW, VED, XAD)', () => {
    for (const code of ['CLF', 'UYW', 'VED', 'XAD', 'XCG', 'ZWG', 'SLE'])
      expect(isCurrencyCode(code)).toBe(true);
  });

  it('refuses withdrawn codes', () => {
    for (const code of ['HRK', 'BGN', 'ANG', 'SLL', 'ZWL', 'CUC', 'VEF', 'FRF', 'DEM', 'MRO', 'STD']) {
      expect(isCurrencyCode(code)).toBe(false);
    }
  });

  it('still reads amounts stored in codes it took before, without taking them anew', () => {
    for (const code of ['HRK', 'BGN', 'ANG', 'SLL', 'ZWL', 'CUC', 'XDR', 'XSU']) {
      expect(isCurrencyCode(code)).toBe(false);
      expect(minorUnits(code)).toBe(2);
    }
  });

  it('refuses the ISO entries that have no minor unit (metals, bond units, testing, no currency)', () => {
    for (const code of ['XAU', 'XAG', 'XPD', 'XPT', 'XBA', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX']) {
      expect(isCurrencyCode(code)).toBe(false);
    }
  });

  it('is case-sensitive and refuses what is not a code', () => {
    for (const value of ['eur', 'Eur', 'EURO', 'EU', '', ' EUR', 'MSAT', 42, null, undefined, {}]) {
      expect(isCurrencyCode(value)).toBe(false);
    }
  });

  it('holds every active ISO 4217 code with a minor unit once (list one of 2026-01-01: 165)', () => {
    expect(ISO_4217_CODES).toHaveLength(165);
    expect(new Set(ISO_4217_CODES).size).toBe(ISO_4217_CODES.length);
    for (const code of ISO_4217_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
    expect(ISO_4217_CODES).not.toContain(BTC);
  });

  it('throws for the scale of what is not a currency rather than guessing 2', () => {
    expect(() => minorUnits('XYZ')).toThrow(RangeError);
  });

  it('has BTC as the largest scale', () => {
    expect(MAX_MINOR_UNITS).toBe(8);
  });
});
