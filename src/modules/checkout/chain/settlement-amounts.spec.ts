import { allocateChargeAmount, satsDue, satsToBtc } from './settlement-amounts.js';

/** Seed 003's example: 1001.54 EUR at 0.000045692133693556 BTC/EUR. */
const SEED_RATE = '0.000045692133693556';

describe('satsDue', () => {
  it("rounds seed 003's btc_amount up to the satoshi: 0.04576249957944407624 BTC → 4576250 sats", () => {
    expect(satsDue('1001.54', 'EUR', SEED_RATE)).toBe(4576250n);
    expect(satsToBtc(4576250n)).toBe('0.04576250');
  });

  it('does not round an exact amount', () => {
    // 10 EUR at 0.0001 BTC/EUR is exactly 0.001 BTC.
    expect(satsDue('10', 'EUR', '0.0001')).toBe(100_000n);
    expect(satsDue('10.00', 'EUR', '0.000100000000000000')).toBe(100_000n);
  });

  it('rounds any fraction of a satoshi up, however small', () => {
    // 0.01 EUR × 0.000000010000000000000001 = 1.0000000000000001e-10 BTC → 1 sat.
    expect(satsDue('0.01', 'EUR', '0.000000010000000000000001')).toBe(1n);
    expect(satsDue('1', 'EUR', '0.000000015')).toBe(2n);
  });

  it('reads the amount at its currency scale (JPY whole) and refuses what is not an amount', () => {
    expect(satsDue('1000', 'JPY', '0.0000000631')).toBe(6310n);
    expect(() => satsDue('10.5', 'JPY', '0.0001')).toThrow(RangeError);
    expect(() => satsDue('10', 'EUR', '1e-4')).toThrow(RangeError);
    expect(() => satsDue('10', 'EUR', '0')).toThrow(RangeError);
  });
});

describe('allocateChargeAmount', () => {
  const due = satsDue('1001.54', 'EUR', SEED_RATE); // 4576250
  const base = { amount: '1001.54', currency: 'EUR', dueSats: due };

  it('gives exactly the amount for exactly the sats due', () => {
    expect(allocateChargeAmount({ ...base, standing: [], sats: due })).toBe('1001.54');
  });

  it('loses no cent over two halves: the second charge takes what the first rounded away', () => {
    const half = due / 2n; // 2288125
    const first = allocateChargeAmount({ ...base, standing: [], sats: half });
    expect(first).toBe('500.77');
    const second = allocateChargeAmount({
      ...base,
      standing: [{ sats: half, amount: first }],
      sats: due - half,
    });
    expect(second).toBe('500.77');
    // An odd split: 1/3 + 2/3.
    const third = due / 3n;
    const a = allocateChargeAmount({ ...base, standing: [], sats: third });
    const b = allocateChargeAmount({ ...base, standing: [{ sats: third, amount: a }], sats: due - third });
    expect(toCents(a) + toCents(b)).toBe(100154n);
  });

  it('adds up to the amount over many small payments', () => {
    const standing: { sats: bigint; amount: string }[] = [];
    let left = due;
    const part = 123_457n;
    while (left > 0n) {
      const sats = left < part ? left : part;
      standing.push({ sats, amount: allocateChargeAmount({ ...base, standing, sats }) });
      left -= sats;
    }
    expect(standing.reduce((sum, c) => sum + toCents(c.amount), 0n)).toBe(100154n);
  });

  it('is a cent short when a satoshi short, so that the currency view agrees with the sats', () => {
    expect(allocateChargeAmount({ ...base, standing: [], sats: due - 1n })).toBe('1001.53');
  });

  it('counts an overpayment at the same price of a satoshi', () => {
    expect(allocateChargeAmount({ ...base, standing: [], sats: due * 2n })).toBe('2003.08');
  });

  it('gives 0 for a few sats worth less than a cent', () => {
    expect(allocateChargeAmount({ ...base, standing: [], sats: 10n })).toBe('0.00');
  });

  it('after a void, the next charge makes up the difference, never going below zero', () => {
    const third = due / 3n;
    const a = allocateChargeAmount({ ...base, standing: [], sats: third });
    const b = allocateChargeAmount({ ...base, standing: [{ sats: third, amount: a }], sats: third });
    // `a` is voided; the customer pays what is left.
    const rest = due - third;
    const c = allocateChargeAmount({ ...base, standing: [{ sats: third, amount: b }], sats: rest });
    expect(toCents(b) + toCents(c)).toBe(100154n);
    // Standing charges counted above their worth: 0, not a negative charge.
    expect(allocateChargeAmount({ ...base, standing: [{ sats: 1n, amount: '5.00' }], sats: 1n })).toBe(
      '0.00',
    );
  });

  it('works at other scales (JPY whole yen, KWD fils)', () => {
    const yen = satsDue('1000', 'JPY', '0.0000000631');
    expect(
      allocateChargeAmount({ amount: '1000', currency: 'JPY', dueSats: yen, standing: [], sats: yen }),
    ).toBe('1000');
    const fils = satsDue('1.234', 'KWD', '0.0003');
    expect(
      allocateChargeAmount({
        amount: '1.234',
        currency: 'KWD',
        dueSats: fils,
        standing: [],
        sats: fils / 2n,
      }),
    ).toBe('0.617');
  });
});

function toCents(amount: string): bigint {
  const [int, frac = ''] = amount.split('.');
  return BigInt(int + frac.padEnd(2, '0'));
}
