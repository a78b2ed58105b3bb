import { creditedAmount, invoiceMsat, truncateUtf8 } from './lightning-amounts.js';

describe('invoiceMsat', () => {
  it("prices seed 003's example as its btc_amount, rounded up to the satoshi", () => {
    // 1001.54 × 0.000045692133693556 = 0.045762499579444... BTC → 4,576,250 sats.
    expect(invoiceMsat('1001.54', '0.000045692133693556')).toBe(4_576_250_000n);
  });

  it('keeps an exact product as is, and a BTC request at rate 1 to the satoshi', () => {
    expect(invoiceMsat('10.00', '0.00002')).toBe(20_000_000n);
    expect(invoiceMsat('0.00012345', '1')).toBe(12_345_000n);
  });

  it('never asks less than one satoshi for a positive amount', () => {
    expect(invoiceMsat('0.01', '0.0000000001')).toBe(1000n);
  });
});

describe('creditedAmount', () => {
  it('credits the whole amount when the payer sent what was asked', () => {
    expect(creditedAmount('33.33', 'EUR', 1_000_000n, 1_000_000n)).toBe('33.33');
  });

  it('credits an overpayment pro rata at the rate held, rounded down', () => {
    expect(creditedAmount('10.00', 'EUR', 1_000_000n, 1_500_000n)).toBe('15.00');
    expect(creditedAmount('10.00', 'EUR', 3_000_000n, 3_000_001n)).toBe('10.00');
    expect(creditedAmount('1000', 'JPY', 3_000_000n, 4_000_000n)).toBe('1333');
  });
});

describe('truncateUtf8', () => {
  it('leaves a short text alone and cuts a long one between characters', () => {
    expect(truncateUtf8('Facture 42', 639)).toBe('Facture 42');
    const cut = truncateUtf8('é'.repeat(400), 639);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(639);
    expect(cut.endsWith('é…')).toBe(true);
  });
});
