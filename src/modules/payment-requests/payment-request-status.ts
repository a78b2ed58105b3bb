import { minorUnits } from '../../common/money/currency.js';
import { fromMinorUnits, toMinorUnits } from '../../common/money/money.js';

/**
 * A payment request's status, derived from what happened to it, never set by hand. Only settled charges
 * count (a manual charge is settled when it is made; a Bitcoin one once it has its confirmations); money
 * seen but not settled yet shows as amountPending, and a voided charge (its transaction was replaced)
 * counts for nothing:
 * - `unpaid`: nothing settled yet (its terms can change only while it has no charge at all);
 * - `partially_paid`: some money received, less than the total;
 * - `paid`: the charges add up to the total exactly;
 * - `overpaid`: more than the total (BTCPay's PaidOver; the excess is the merchant's to give back);
 * - `cancelled`: cancelled before it was paid; charges may still arrive (a late payment) and show.
 * Seed 004's view reads `paid` and `overpaid` as 20 (its charges cover the total), the others as 10.
 */
export const PAYMENT_REQUEST_STATUSES = [
  'unpaid',
  'partially_paid',
  'paid',
  'overpaid',
  'cancelled',
] as const;
export type PaymentRequestStatus = (typeof PAYMENT_REQUEST_STATUSES)[number];

/** A charge as the status sees it: money received for the request, in its currency, at a time. */
export interface ChargeFact {
  amount: string;
  /** When it was seen (recorded). */
  createdAt: Date;
  /** When it settled: null while pending. A manual charge settles when it is made. */
  settledAt: Date | null;
  /** When it was voided (e.g. its transaction was replaced): it then counts for nothing. */
  voidedAt: Date | null;
}

export type ChargeState = 'pending' | 'settled' | 'voided';

/** Voided wins over settled: a settled charge can still be voided (a 0-confirmation payment replaced). */
export function chargeState(charge: Pick<ChargeFact, 'settledAt' | 'voidedAt'>): ChargeState {
  return charge.voidedAt ? 'voided' : charge.settledAt ? 'settled' : 'pending';
}

/** What the status is derived from, all read in the transaction that holds the request's row lock. */
export interface PaymentFacts {
  /** The request's amount. */
  total: string;
  currency: string;
  /**
   * Every charge, voided ones included (they count for nothing); a deleted charge is no longer one
   * (seed 004: back to unpaid).
   */
  charges: readonly ChargeFact[];
  cancelledAt: Date | null;
}

export interface PaymentState {
  status: PaymentRequestStatus;
  /** The sum of the settled charges, at the currency's scale. */
  amountPaid: string;
  /**
   * What the customer still owes: total − paid, negative when overpaid. Once cancelled nothing is owed,
   * so it is 0 − paid: whatever was received is to be given back.
   */
  amountDue: string;
  /** The sum of the charges seen but not settled yet (not counted in amountPaid nor amountDue). */
  amountPending: string;
  /**
   * When the settled charges first covered the total: the settlement time of the charge that did. Null
   * unless covered.
   */
  paidAt: Date | null;
}

/**
 * The state of a request from its facts. Exact at the currency's scale (an amount finer than the
 * currency throws: charges are checked against it before they exist).
 */
export function paymentState(facts: PaymentFacts): PaymentState {
  const scale = minorUnits(facts.currency);
  const total = toMinorUnits(facts.total, scale);
  let pending = 0n;
  const settled: { amount: bigint; settledAt: Date }[] = [];
  for (const charge of facts.charges) {
    // Read even when voided: an amount finer than the currency is an error wherever it is.
    const amount = toMinorUnits(charge.amount, scale);
    const state = chargeState(charge);
    if (state === 'pending') pending += amount;
    else if (state === 'settled') settled.push({ amount, settledAt: charge.settledAt! });
  }
  settled.sort((a, b) => a.settledAt.getTime() - b.settledAt.getTime());
  let paid = 0n;
  let coveredAt: Date | null = null;
  for (const charge of settled) {
    paid += charge.amount;
    // Covered since the charge that crossed the total, as long as the sum stays there.
    if (paid < total) coveredAt = null;
    else coveredAt ??= charge.settledAt;
  }
  const amountPaid = fromMinorUnits(paid, scale);
  const amountPending = fromMinorUnits(pending, scale);
  if (facts.cancelledAt) {
    return {
      status: 'cancelled',
      amountPaid,
      amountDue: fromMinorUnits(-paid, scale),
      amountPending,
      paidAt: null,
    };
  }
  const status: PaymentRequestStatus =
    paid <= 0n ? 'unpaid' : paid < total ? 'partially_paid' : paid === total ? 'paid' : 'overpaid';
  return {
    status,
    amountPaid,
    amountDue: fromMinorUnits(total - paid, scale),
    amountPending,
    paidAt: coveredAt,
  };
}

/** Whether the charges cover the total (seed 004's status 20). */
export function isCovered(status: PaymentRequestStatus): boolean {
  return status === 'paid' || status === 'overpaid';
}

/**
 * Amount, currency and the other terms change only while nothing was received: charges are in the
 * request's currency and against its total, and the customer paid what they were shown. Any charge
 * keeps them, pending (money on its way), voided (a record in that currency) or worth zero.
 */
export function canChangeTerms(state: PaymentState, charges: readonly unknown[]): boolean {
  return state.status === 'unpaid' && charges.length === 0;
}

/**
 * What cancelling does. A covered request is refused, as Stripe voids only an open invoice and a paid one
 * is undone by refunding it, and as Invoice Ninja reverses rather than cancels a paid invoice: a request
 * whose money was received is a record of that money. To take a charge back, delete it (seed 004), then
 * cancel. A partially paid request can be cancelled (the customer will not pay the rest); what was
 * received shows as a negative amount due. Cancelling twice changes nothing.
 */
export function cancelOutcome(state: PaymentState): 'cancel' | 'already_cancelled' | 'refused' {
  switch (state.status) {
    case 'cancelled':
      return 'already_cancelled';
    case 'paid':
    case 'overpaid':
      return 'refused';
    case 'unpaid':
    case 'partially_paid':
      return 'cancel';
  }
}

/** An invoice document can be attached to a request until it is cancelled (a paid one keeps its papers). */
export function canAttachDocument(state: PaymentState): boolean {
  return state.status !== 'cancelled';
}
