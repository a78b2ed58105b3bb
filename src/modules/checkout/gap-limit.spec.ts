import { consecutiveUnpaid, storeWarnings, WALLET_GAP_LIMIT } from './gap-limit.js';

describe('gap limit', () => {
  it('counts the indexes after the last one a payment was seen at', () => {
    expect(consecutiveUnpaid({ issued: 0, lastPaidIndex: null })).toBe(0);
    expect(consecutiveUnpaid({ issued: 5, lastPaidIndex: null })).toBe(5);
    expect(consecutiveUnpaid({ issued: 5, lastPaidIndex: 4 })).toBe(0);
    expect(consecutiveUnpaid({ issued: 30, lastPaidIndex: 2 })).toBe(27);
  });

  it('warns only past the limit of 20', () => {
    expect(storeWarnings({ issued: WALLET_GAP_LIMIT, lastPaidIndex: null })).toEqual([]);
    const [warning, ...rest] = storeWarnings({ issued: WALLET_GAP_LIMIT + 1, lastPaidIndex: null });
    expect(rest).toEqual([]);
    expect(warning.code).toBe('GAP_LIMIT_EXCEEDED');
    expect(warning.message).toMatch(/^21 addresses in a row .* gap limit of 20/);
    expect(storeWarnings({ issued: 40, lastPaidIndex: 19 })).toEqual([]);
  });
});
