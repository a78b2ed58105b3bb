import type { Charge } from './charge.entity.js';
import { presentInvoice } from './invoice.presenter.js';
import type { PaymentRequest } from './payment-request.entity.js';
import { presentPaymentRequest } from './payment-request.presenter.js';

const created = new Date('2017-05-23T17:54:24.837Z');

function request(fields: Partial<PaymentRequest>): PaymentRequest {
  return {
    id: '57793ecd-61ea-45d5-b50a-8c49d5123f74',
    organizationId: 'org',
    amount: '100',
    currency: 'EUR',
    description: null,
    customerEmail: null,
    dueDate: null,
    status: 'unpaid',
    origin: null,
    invoiceUploadId: null,
    invoiceKey: null,
    invoiceFileName: null,
    invoiceMimeType: null,
    invoiceSize: null,
    invoiceAttachedAt: null,
    createdAt: created,
    updatedAt: created,
    paidAt: null,
    cancelledAt: null,
    ...fields,
  };
}

function charge(id: string, amount: string, at: string, fields: Partial<Charge> = {}): Charge {
  return {
    id,
    organizationId: 'org',
    paymentRequestId: '57793ecd-61ea-45d5-b50a-8c49d5123f74',
    amount,
    reference: null,
    note: null,
    chargeType: 'manual',
    createdAt: new Date(at),
    settledAt: new Date(at),
    voidedAt: null,
    confirmations: null,
    originalAmount: null,
    originalCurrency: null,
    ...fields,
  };
}

describe('presentInvoice (seed 004)', () => {
  it("shows an unpaid request as 10, the total at the currency's scale, paidTime null", () => {
    expect(presentInvoice({ request: request({}), charges: [] })).toEqual({
      id: '57793ecd-61ea-45d5-b50a-8c49d5123f74',
      status: 10,
      total: '100.00',
      charges: [],
      paidTime: null,
      creationTime: '2017-05-23T17:54:24.837Z',
    });
  });

  it('shows paid and overpaid as 20 with the paid time, and each charge in the seed shape', () => {
    const paidAt = new Date('2017-05-24T08:00:00.000Z');
    const charges = [
      charge('c1', '40', '2017-05-23T18:00:00.000Z', {
        reference: 'ch_1',
        note: 'acompte',
        chargeType: 'stripe',
      }),
      charge('c2', '70.5', '2017-05-24T08:00:00.000Z'),
    ];
    const shown = presentInvoice({ request: request({ status: 'overpaid', paidAt }), charges });
    expect(shown).toMatchObject({ status: 20, paidTime: '2017-05-24T08:00:00.000Z' });
    expect(shown.charges).toEqual([
      {
        id: 'c1',
        amount: '40.00',
        reference: 'ch_1',
        note: 'acompte',
        chargeType: 'stripe',
        creationTime: '2017-05-23T18:00:00.000Z',
      },
      {
        id: 'c2',
        amount: '70.50',
        reference: null,
        note: null,
        chargeType: 'manual',
        creationTime: '2017-05-24T08:00:00.000Z',
      },
    ]);
    expect(presentInvoice({ request: request({ status: 'paid', paidAt }), charges }).status).toBe(20);
  });

  it('lists only settled charges: a pending one appears once it settles, a voided one never', () => {
    const t = '2017-05-23T18:00:00.000Z';
    const charges = [
      charge('paid', '30', t),
      charge('seen', '50', t, { chargeType: 'bitcoin', reference: 'aa:0', settledAt: null }),
      charge('gone', '20', t, { chargeType: 'bitcoin', reference: 'bb:1', voidedAt: new Date(t) }),
    ];
    const shown = presentInvoice({ request: request({ status: 'partially_paid' }), charges });
    expect(shown).toMatchObject({ status: 10, paidTime: null });
    expect(shown.charges.map((c) => c.id)).toEqual(['paid']);
  });

  it('shows partially paid and cancelled as 10 with no paid time', () => {
    const charges = [charge('c1', '40', '2017-05-23T18:00:00.000Z')];
    for (const status of ['partially_paid', 'cancelled'] as const) {
      expect(presentInvoice({ request: request({ status }), charges })).toMatchObject({
        status: 10,
        paidTime: null,
      });
    }
  });

  it('writes amounts at their currency: JPY whole, KWD three decimals', () => {
    const yen = presentInvoice({
      request: request({ amount: '1000', currency: 'JPY' }),
      charges: [charge('c', '250', '2017-05-23T18:00:00.000Z')],
    });
    expect(yen).toMatchObject({ total: '1000', charges: [expect.objectContaining({ amount: '250' })] });
    expect(presentInvoice({ request: request({ amount: '1.5', currency: 'KWD' }), charges: [] }).total).toBe(
      '1.500',
    );
  });
});

describe('presentPaymentRequest: amountPaid, amountDue and charges', () => {
  it('sums the charges exactly and shows a negative amountDue when overpaid', () => {
    const charges = ['33.33', '33.33', '33.34', '0.01'].map((a, i) =>
      charge(`c${i}`, a, `2017-05-23T18:00:0${i}.000Z`),
    );
    const shown = presentPaymentRequest({ request: request({ status: 'overpaid' }), charges });
    expect(shown).toMatchObject({ amountPaid: '100.01', amountDue: '-0.01' });
    expect(shown.charges.map((c) => c.amount)).toEqual(['33.33', '33.33', '33.34', '0.01']);
    expect(shown.charges[0]).toEqual({
      id: 'c0',
      paymentRequestId: '57793ecd-61ea-45d5-b50a-8c49d5123f74',
      amount: '33.33',
      currency: 'EUR',
      reference: null,
      note: null,
      chargeType: 'manual',
      createdAt: '2017-05-23T18:00:00.000Z',
      state: 'settled',
      settledAt: '2017-05-23T18:00:00.000Z',
      voidedAt: null,
      confirmations: null,
      originalAmount: null,
      originalCurrency: null,
    });
  });

  it('shows every charge with its state, amountPending beside amountPaid, and the satoshis received', () => {
    const t = '2017-05-23T18:00:00.000Z';
    const charges = [
      charge('paid', '30', t),
      charge('seen', '50', t, {
        chargeType: 'bitcoin',
        reference: 'aa:0',
        settledAt: null,
        confirmations: 0,
        originalAmount: '0.00228',
        originalCurrency: 'BTC',
      }),
      charge('gone', '20', t, { chargeType: 'bitcoin', voidedAt: new Date('2017-05-23T19:00:00.000Z') }),
    ];
    const shown = presentPaymentRequest({ request: request({ status: 'partially_paid' }), charges });
    expect(shown).toMatchObject({ amountPaid: '30.00', amountDue: '70.00', amountPending: '50.00' });
    expect(shown.charges.map((c) => [c.id, c.state])).toEqual([
      ['paid', 'settled'],
      ['seen', 'pending'],
      ['gone', 'voided'],
    ]);
    expect(shown.charges[1]).toMatchObject({
      settledAt: null,
      confirmations: 0,
      originalAmount: '0.00228000',
      originalCurrency: 'BTC',
    });
    expect(shown.charges[2]).toMatchObject({ voidedAt: '2017-05-23T19:00:00.000Z' });
  });

  it('owes nothing once cancelled: amountDue is what to give back', () => {
    const shown = presentPaymentRequest({
      request: request({ status: 'cancelled', cancelledAt: created }),
      charges: [charge('c', '30', '2017-05-23T18:00:00.000Z')],
    });
    expect(shown).toMatchObject({ amountPaid: '30.00', amountDue: '-30.00' });
  });
});
