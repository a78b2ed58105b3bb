import {
  canAttachDocument,
  canChangeTerms,
  cancelOutcome,
  isCovered,
  paymentState,
  type ChargeFact,
  type PaymentFacts,
} from './payment-request-status.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 27, 9, minute));
/** A charge settled when it was made (every manual charge, seed 004's). */
const charge = (amount: string, minute: number): ChargeFact => ({
  amount,
  createdAt: at(minute),
  settledAt: at(minute),
  voidedAt: null,
});
/** A charge seen but not settled yet (a transaction in the mempool, short of its confirmations). */
const pending = (amount: string, minute: number): ChargeFact => ({
  amount,
  createdAt: at(minute),
  settledAt: null,
  voidedAt: null,
});
const facts = (over: Partial<PaymentFacts> = {}): PaymentFacts => ({
  total: '100.00',
  currency: 'EUR',
  charges: [],
  cancelledAt: null,
  ...over,
});

describe('paymentState', () => {
  describe('from charges', () => {
    it('is unpaid with no charge: all of the total is due', () => {
      expect(paymentState(facts())).toEqual({
        status: 'unpaid',
        amountPaid: '0.00',
        amountDue: '100.00',
        amountPending: '0.00',
        paidAt: null,
      });
    });

    it('is partially paid below the total', () => {
      expect(paymentState(facts({ charges: [charge('40', 1)] }))).toEqual({
        status: 'partially_paid',
        amountPaid: '40.00',
        amountDue: '60.00',
        amountPending: '0.00',
        paidAt: null,
      });
    });

    it('is paid when charges cover the total exactly (33.33 + 33.33 + 33.34), since the charge that did', () => {
      const state = paymentState(
        facts({ charges: [charge('33.33', 1), charge('33.33', 2), charge('33.34', 3)] }),
      );
      expect(state).toEqual({
        status: 'paid',
        amountPaid: '100.00',
        amountDue: '0.00',
        amountPending: '0.00',
        paidAt: at(3),
      });
    });

    it('is overpaid above the total, with a negative amount due, paid since the charge that crossed', () => {
      expect(paymentState(facts({ charges: [charge('60', 1), charge('50', 2)] }))).toEqual({
        status: 'overpaid',
        amountPaid: '110.00',
        amountDue: '-10.00',
        amountPending: '0.00',
        paidAt: at(2),
      });
    });

    it('is overpaid by a single charge above the total', () => {
      expect(paymentState(facts({ charges: [charge('100.01', 5)] }))).toMatchObject({
        status: 'overpaid',
        amountDue: '-0.01',
        paidAt: at(5),
      });
    });

    it('keeps the time of the first cover when later charges overpay', () => {
      const state = paymentState(facts({ charges: [charge('100', 1), charge('20', 9)] }));
      expect(state).toMatchObject({ status: 'overpaid', paidAt: at(1) });
    });

    it('reads charges in the order they were made, whatever order they come in', () => {
      const state = paymentState(facts({ charges: [charge('30', 7), charge('80', 2), charge('10', 4)] }));
      expect(state).toMatchObject({ status: 'overpaid', amountPaid: '120.00', paidAt: at(7) });
    });

    it('adds exactly: ten charges of 0.1 pay 1.00', () => {
      const charges = Array.from({ length: 10 }, (_, i) => charge('0.1', i));
      expect(paymentState(facts({ total: '1', charges }))).toMatchObject({
        status: 'paid',
        amountPaid: '1.00',
        amountDue: '0.00',
        paidAt: at(9),
      });
    });
  });

  describe('a charge, then its deletion', () => {
    const first = charge('100', 1);

    it('goes back to unpaid, paidAt cleared', () => {
      expect(paymentState(facts({ charges: [first] }))).toMatchObject({ status: 'paid', paidAt: at(1) });
      expect(paymentState(facts({ charges: [] }))).toEqual({
        status: 'unpaid',
        amountPaid: '0.00',
        amountDue: '100.00',
        amountPending: '0.00',
        paidAt: null,
      });
    });

    it('goes back to partially paid when what is left no longer covers the total', () => {
      const rest = charge('30', 2);
      expect(paymentState(facts({ charges: [first, rest] }))).toMatchObject({ status: 'overpaid' });
      expect(paymentState(facts({ charges: [rest] }))).toMatchObject({
        status: 'partially_paid',
        amountDue: '70.00',
        paidAt: null,
      });
    });

    it('stays paid, since the charge that now covers, when what is left still covers', () => {
      const state = paymentState(facts({ charges: [charge('60', 3), charge('40', 4)] }));
      expect(state).toMatchObject({ status: 'paid', paidAt: at(4) });
    });

    it('is paid again by a new charge, since that charge', () => {
      expect(paymentState(facts({ charges: [charge('100', 8)] }))).toMatchObject({
        status: 'paid',
        paidAt: at(8),
      });
    });
  });

  describe('cancelled', () => {
    it('owes nothing once cancelled', () => {
      expect(paymentState(facts({ cancelledAt: at(2) }))).toEqual({
        status: 'cancelled',
        amountPaid: '0.00',
        amountDue: '0.00',
        amountPending: '0.00',
        paidAt: null,
      });
    });

    it('shows what was received before cancelling as to be given back (negative due)', () => {
      expect(paymentState(facts({ charges: [charge('40', 1)], cancelledAt: at(2) }))).toEqual({
        status: 'cancelled',
        amountPaid: '40.00',
        amountDue: '-40.00',
        amountPending: '0.00',
        paidAt: null,
      });
    });

    it('stays cancelled when a late charge covers the total', () => {
      const state = paymentState(facts({ charges: [charge('100', 9)], cancelledAt: at(2) }));
      expect(state).toMatchObject({ status: 'cancelled', amountPaid: '100.00', paidAt: null });
    });
  });

  describe('currencies of other scales', () => {
    it('pays a JPY request (no decimals) with 333 + 333 + 334', () => {
      const state = paymentState(
        facts({
          total: '1000',
          currency: 'JPY',
          charges: [charge('333', 1), charge('333', 2), charge('334', 3)],
        }),
      );
      expect(state).toEqual({
        status: 'paid',
        amountPaid: '1000',
        amountDue: '0',
        amountPending: '0',
        paidAt: at(3),
      });
    });

    it('shows a partial JPY payment without decimals', () => {
      expect(paymentState(facts({ total: '1000', currency: 'JPY', charges: [charge('1', 1)] }))).toEqual({
        status: 'partially_paid',
        amountPaid: '1',
        amountDue: '999',
        amountPending: '0',
        paidAt: null,
      });
    });

    it('counts KWD in fils (3 decimals) and BTC in satoshis (8)', () => {
      expect(
        paymentState(facts({ total: '1.234', currency: 'KWD', charges: [charge('1.233', 1)] })),
      ).toMatchObject({ status: 'partially_paid', amountPaid: '1.233', amountDue: '0.001' });
      expect(
        paymentState(
          facts({
            total: '0.001',
            currency: 'BTC',
            charges: [charge('0.00099999', 1), charge('0.00000002', 2)],
          }),
        ),
      ).toMatchObject({
        status: 'overpaid',
        amountPaid: '0.00100001',
        amountDue: '-0.00000001',
        paidAt: at(2),
      });
    });

    it('refuses a charge finer than the currency rather than rounding it', () => {
      expect(() =>
        paymentState(facts({ total: '1000', currency: 'JPY', charges: [charge('0.5', 1)] })),
      ).toThrow(RangeError);
    });
  });

  describe('pending, settled and voided charges', () => {
    const voided = (amount: string, minute: number, settled: boolean): ChargeFact => ({
      amount,
      createdAt: at(minute),
      settledAt: settled ? at(minute) : null,
      voidedAt: at(minute + 1),
    });

    it('does not count a pending charge as paid: it shows as pending, all of the total still due', () => {
      expect(paymentState(facts({ charges: [pending('100', 1)] }))).toEqual({
        status: 'unpaid',
        amountPaid: '0.00',
        amountDue: '100.00',
        amountPending: '100.00',
        paidAt: null,
      });
    });

    it('counts settled charges only, and the pending ones beside them', () => {
      expect(paymentState(facts({ charges: [charge('30', 1), pending('70', 2)] }))).toEqual({
        status: 'partially_paid',
        amountPaid: '30.00',
        amountDue: '70.00',
        amountPending: '70.00',
        paidAt: null,
      });
    });

    it('is paid since the settlement of the charge that covered, not since it was seen', () => {
      const seenThenSettled: ChargeFact = { ...pending('100', 1), settledAt: at(20) };
      expect(paymentState(facts({ charges: [seenThenSettled] }))).toEqual({
        status: 'paid',
        amountPaid: '100.00',
        amountDue: '0.00',
        amountPending: '0.00',
        paidAt: at(20),
      });
    });

    it('orders charges by settlement: the one settled last covers, whatever order they were seen in', () => {
      const early = { ...pending('50', 1), settledAt: at(30) };
      const late = { ...pending('50', 5), settledAt: at(10) };
      expect(paymentState(facts({ charges: [early, late] }))).toMatchObject({
        status: 'paid',
        paidAt: at(30),
      });
    });

    it('counts a voided charge neither as paid nor as pending, settled before or not', () => {
      const state = paymentState(
        facts({ charges: [voided('100', 1, true), voided('40', 2, false), charge('10', 3)] }),
      );
      expect(state).toEqual({
        status: 'partially_paid',
        amountPaid: '10.00',
        amountDue: '90.00',
        amountPending: '0.00',
        paidAt: null,
      });
    });

    it('is unpaid again when the charge that paid is voided', () => {
      expect(paymentState(facts({ charges: [voided('100', 1, true)] }))).toMatchObject({
        status: 'unpaid',
        amountPaid: '0.00',
        paidAt: null,
      });
    });

    it('shows pending money on a cancelled request too (a late payment on its way)', () => {
      expect(paymentState(facts({ charges: [pending('25', 3)], cancelledAt: at(2) }))).toMatchObject({
        status: 'cancelled',
        amountPaid: '0.00',
        amountDue: '0.00',
        amountPending: '25.00',
      });
    });

    it('takes a charge of zero (a few satoshis worth less than a cent) without changing the status', () => {
      expect(paymentState(facts({ charges: [charge('0', 1)] }))).toMatchObject({
        status: 'unpaid',
        amountPaid: '0.00',
      });
    });
  });
});

describe('what a state allows', () => {
  const state = (f: Partial<PaymentFacts>) => paymentState(facts(f));
  const unpaid = state({});
  const partial = state({ charges: [charge('1', 1)] });
  const paid = state({ charges: [charge('100', 1)] });
  const overpaid = state({ charges: [charge('101', 1)] });
  const cancelled = state({ cancelledAt: at(1) });

  it('cancels an unpaid or partially paid request, refuses a paid or overpaid one, and leaves a cancelled one', () => {
    expect(cancelOutcome(unpaid)).toBe('cancel');
    expect(cancelOutcome(partial)).toBe('cancel');
    expect(cancelOutcome(paid)).toBe('refused');
    expect(cancelOutcome(overpaid)).toBe('refused');
    expect(cancelOutcome(cancelled)).toBe('already_cancelled');
  });

  it('can cancel a paid request once its charge is deleted', () => {
    expect(cancelOutcome(state({ charges: [] }))).toBe('cancel');
  });

  it('changes terms only while nothing was received', () => {
    expect([unpaid, partial, paid, overpaid, cancelled].map((s) => canChangeTerms(s, []))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('keeps the terms once any charge exists, even one pending, voided or worth zero', () => {
    const seen = state({ charges: [pending('100', 1)] });
    expect(seen.status).toBe('unpaid');
    expect(canChangeTerms(seen, [pending('100', 1)])).toBe(false);
    expect(canChangeTerms(unpaid, [{ ...pending('1', 1), voidedAt: at(2) }])).toBe(false);
    expect(canChangeTerms(unpaid, [charge('0', 1)])).toBe(false);
  });

  it('attaches an invoice document unless cancelled', () => {
    expect([unpaid, partial, paid, overpaid, cancelled].map(canAttachDocument)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('reads paid and overpaid as covered (seed 004 status 20)', () => {
    expect([unpaid, partial, paid, overpaid, cancelled].map((s) => isCovered(s.status))).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
  });
});
