import {
  confirmationsRequired,
  evaluateCheckout,
  type CheckoutTerms,
  type ObservedPayment,
} from './invoice-evaluation.js';

const created = Date.UTC(2026, 10, 27, 10, 0);
const minute = (n: number) => new Date(created + n * 60_000);
const terms = (over: Partial<CheckoutTerms> = {}): CheckoutTerms => ({
  dueSats: 100_000n,
  tolerancePercent: 0,
  confirmations: 1,
  expiresAt: minute(15),
  monitoringUntil: minute(15 + 1440),
  ...over,
});
const pay = (sats: bigint, confirmations: number, seen = 1, rbfSignalled = false): ObservedPayment => ({
  sats,
  confirmations,
  rbfSignalled,
  seenAt: minute(seen),
});

describe('evaluateCheckout', () => {
  it('is new with nothing paid, all of it due', () => {
    expect(evaluateCheckout(terms(), [], minute(1))).toEqual({
      seedStatus: 'NEW',
      state: 'new',
      paidPartial: false,
      paidOver: false,
      paidLate: false,
      paidSats: 0n,
      settledSats: 0n,
      pendingSats: 0n,
      minimumSats: 100_000n,
      amountDueSats: 100_000n,
    });
  });

  it('is processing when paid in the mempool, settled (PAID) once confirmed', () => {
    expect(evaluateCheckout(terms(), [pay(100_000n, 0)], minute(2))).toMatchObject({
      seedStatus: 'NEW',
      state: 'processing',
      pendingSats: 100_000n,
      amountDueSats: 0n,
    });
    expect(evaluateCheckout(terms(), [pay(100_000n, 1)], minute(12))).toMatchObject({
      seedStatus: 'PAID',
      state: 'settled',
      settledSats: 100_000n,
      paidLate: false,
    });
  });

  it('settles at 0 confirmations when the store asks none, unless the payment signals RBF (then 1)', () => {
    const zero = terms({ confirmations: 0 });
    expect(evaluateCheckout(zero, [pay(100_000n, 0)], minute(2)).state).toBe('settled');
    expect(evaluateCheckout(zero, [pay(100_000n, 0, 1, true)], minute(2)).state).toBe('processing');
    expect(evaluateCheckout(zero, [pay(100_000n, 1, 1, true)], minute(2)).state).toBe('settled');
    expect(confirmationsRequired(0, true)).toBe(1);
    expect(confirmationsRequired(2, true)).toBe(2);
  });

  it('waits for every payment it counts to have the store confirmations (6)', () => {
    const six = terms({ confirmations: 6 });
    const payments = [pay(50_000n, 6), pay(50_000n, 5)];
    expect(evaluateCheckout(six, payments, minute(60))).toMatchObject({
      state: 'processing',
      settledSats: 50_000n,
      pendingSats: 50_000n,
    });
  });

  it('shows a partial payment (paidPartial) and what is still due; expired past the expiry', () => {
    const partial = [pay(40_000n, 3)];
    expect(evaluateCheckout(terms(), partial, minute(5))).toMatchObject({
      state: 'new',
      seedStatus: 'NEW',
      paidPartial: true,
      amountDueSats: 60_000n,
    });
    expect(evaluateCheckout(terms(), partial, minute(15))).toMatchObject({
      state: 'expired',
      paidPartial: true,
    });
    expect(evaluateCheckout(terms(), [], minute(16))).toMatchObject({ state: 'expired', paidPartial: false });
  });

  it('completes a partial payment with a second one', () => {
    expect(evaluateCheckout(terms(), [pay(40_000n, 3), pay(60_000n, 1, 7)], minute(20))).toMatchObject({
      state: 'settled',
      paidPartial: false,
      amountDueSats: 0n,
    });
  });

  it('flags an overpayment, with a negative amount due', () => {
    expect(evaluateCheckout(terms(), [pay(100_001n, 1)], minute(5))).toMatchObject({
      state: 'settled',
      paidOver: true,
      amountDueSats: -1n,
    });
  });

  it('accepts less by the tolerance, rounded up to the satoshi', () => {
    const tolerant = terms({ dueSats: 100_001n, tolerancePercent: 1.5 });
    // 100001 × 0.985 = 98500.985 → 98501.
    expect(evaluateCheckout(tolerant, [pay(98_501n, 1)], minute(5))).toMatchObject({
      state: 'settled',
      minimumSats: 98_501n,
      amountDueSats: 1_500n,
      paidPartial: false,
    });
    expect(evaluateCheckout(tolerant, [pay(98_500n, 1)], minute(5))).toMatchObject({
      state: 'new',
      paidPartial: true,
    });
    // 100 % tolerance still needs a payment.
    expect(evaluateCheckout(terms({ tolerancePercent: 100 }), [], minute(5)).state).toBe('new');
  });

  it('flags a payment seen after expiry as late, and settles it within the monitoring window', () => {
    const late = [pay(100_000n, 0, 20)];
    expect(evaluateCheckout(terms(), late, minute(21))).toMatchObject({
      state: 'processing',
      paidLate: true,
      seedStatus: 'NEW',
    });
    expect(evaluateCheckout(terms(), [pay(100_000n, 1, 20)], minute(30))).toMatchObject({
      state: 'settled',
      seedStatus: 'PAID',
      paidLate: true,
    });
    // Partly in time, completed late: late.
    expect(evaluateCheckout(terms(), [pay(50_000n, 1, 5), pay(50_000n, 1, 20)], minute(30)).paidLate).toBe(
      true,
    );
    // Paid in time, confirmed after expiry: not late.
    expect(evaluateCheckout(terms(), [pay(100_000n, 1, 14)], minute(40)).paidLate).toBe(false);
  });

  it('is invalid when paid but still unconfirmed once monitoring ended', () => {
    expect(evaluateCheckout(terms(), [pay(100_000n, 0, 5)], minute(15 + 1440))).toMatchObject({
      state: 'invalid',
      seedStatus: 'NEW',
    });
  });

  it('refuses terms outside the store settings', () => {
    expect(() => evaluateCheckout(terms({ confirmations: 7 }), [], minute(1))).toThrow(RangeError);
    expect(() => evaluateCheckout(terms({ tolerancePercent: 100.5 }), [], minute(1))).toThrow(RangeError);
    expect(() => evaluateCheckout(terms({ tolerancePercent: 0.123 }), [], minute(1))).toThrow(RangeError);
    expect(() => evaluateCheckout(terms({ dueSats: 0n }), [], minute(1))).toThrow(RangeError);
  });
});
