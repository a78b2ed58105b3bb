import { invoiceFigures } from './checkout-amounts.js';

describe("invoiceFigures: seed 003's amounts (DESIGN.md §7)", () => {
  it("the seed's example: 1001.54 EUR at btc_rate 0.000045692133693556 and usd_rate 1.18", () => {
    // amount × btc_rate = 0.04576249957944407624: the seed shows it cut to 18 decimals
    // (0.045762499579444076); the customer sends it rounded up to the satoshi.
    expect(invoiceFigures('1001.54', '0.000045692133693556', '1.18')).toEqual({
      btcRate: '0.000045692133693556',
      btcAmount: '0.04576250',
      btcAmountSats: 4576250n,
      usdRate: '1.18',
      usdAmount: '1181.8172',
    });
  });

  it('at 1 BTC = 21885.605 EUR (btc_rate 1/21885.605 cut after 18 decimals) it is one satoshi more', () => {
    // 1001.54 × 0.000045692134167641 = 0.04576250005425… → 4576251 sat
    expect(invoiceFigures('1001.54', '0.000045692134167641', '1.18')).toMatchObject({
      btcAmount: '0.04576251',
      btcAmountSats: 4576251n,
    });
  });

  it('rounds up only what passes the satoshi; an exact satoshi amount stays', () => {
    expect(invoiceFigures('100.00', '0.00001', '1').btcAmount).toBe('0.00100000');
    expect(invoiceFigures('1', '0.000000001', '1').btcAmount).toBe('0.00000001');
    expect(invoiceFigures('3', '0.000000033333333333', '1').btcAmountSats).toBe(10n);
  });

  it('usd_amount is the exact product, with at least 2 decimals', () => {
    expect(invoiceFigures('100.00', '0.00001', '1').usdAmount).toBe('100.00');
    expect(invoiceFigures('100', '0.00001', '1.1').usdAmount).toBe('110.00');
    expect(invoiceFigures('0.01', '0.00001', '1.123456789').usdAmount).toBe('0.01123456789');
    expect(invoiceFigures('1000', '0.0000001', '0.0066').usdAmount).toBe('6.60');
  });

  it('large amounts stay exact (no float, no 20-digit rounding)', () => {
    expect(invoiceFigures('999999999999.99', '0.000045692133693556', '1.18')).toMatchObject({
      // 45692133.69355554307866306444 exactly, rounded up
      btcAmount: '45692133.69355555',
      usdAmount: '1179999999999.9882',
    });
  });
});
