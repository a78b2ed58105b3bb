import { toMinorUnits } from '../../../common/money/money.js';

/**
 * A checkout invoice's state from the payments seen on its address, as BTCPay Server's InvoiceWatcher
 * derives it (PAYMENTS.md §1.6), with seed 003's two statuses on top: PAID exactly when settled.
 */

/** What the invoice asks, fixed at its creation from the store's settings. */
export interface CheckoutTerms {
  /** satsDue(amount, currency, btc_rate). */
  dueSats: bigint;
  /** The store's paymentTolerancePercent: 0 to 100, at most 2 decimals. */
  tolerancePercent: number;
  /** The store's confirmations: 0 to 6. */
  confirmations: number;
  expiresAt: Date;
  /** expiresAt + monitoringMinutes: payments are still accepted until then. */
  monitoringUntil: Date;
}

/** A payment to the invoice's address that stands (not voided), as the watcher knows it. */
export interface ObservedPayment {
  sats: bigint;
  confirmations: number;
  rbfSignalled: boolean;
  /** When the watcher first saw it (its charge's createdAt). */
  seenAt: Date;
}

/**
 * - `new`: not paid enough, before expiry;
 * - `processing`: paid enough, not all of it confirmed enough yet;
 * - `settled`: what is confirmed enough covers the invoice (seed 003's PAID);
 * - `expired`: not paid enough, and expired (payments are still accepted until monitoringUntil);
 * - `invalid`: paid enough but still not confirmed enough when monitoring ended (BTCPay FailedToConfirm).
 */
export type CheckoutState = 'new' | 'processing' | 'settled' | 'expired' | 'invalid';

export interface CheckoutEvaluation {
  seedStatus: 'NEW' | 'PAID';
  state: CheckoutState;
  /** Something was paid, less than the minimum (BTCPay PaidPartial). */
  paidPartial: boolean;
  /** More than dueSats was paid (BTCPay PaidOver): the excess is the merchant's to give back. */
  paidOver: boolean;
  /** The minimum was reached only by payments seen after expiry (BTCPay PaidLate). */
  paidLate: boolean;
  /** Every standing payment, confirmed or not. */
  paidSats: bigint;
  /** Those with the confirmations they need. */
  settledSats: bigint;
  pendingSats: bigint;
  /** dueSats less the tolerance, rounded up; at least 1. */
  minimumSats: bigint;
  /** dueSats − paidSats: negative when overpaid (BTCPay's `due`). */
  amountDueSats: bigint;
}

/** BTCPay's speed policy: 0 confirmations is accepted, except for a payment that signals RBF (then 1). */
export function confirmationsRequired(storeConfirmations: number, rbfSignalled: boolean): number {
  return storeConfirmations === 0 && rbfSignalled ? 1 : storeConfirmations;
}

export function isSettledPayment(
  payment: Pick<ObservedPayment, 'confirmations' | 'rbfSignalled'>,
  storeConfirmations: number,
): boolean {
  return payment.confirmations >= confirmationsRequired(storeConfirmations, payment.rbfSignalled);
}

/**
 * Unlike BTCPay, which leaves a late payment's invoice Expired (PaidLate), a late payment confirmed
 * enough settles the invoice here (seed 003 PAID, with paidLate): the rule is that an invoice is
 * PAID when its confirmed charges cover it, and seed 003 has no expired status; the flag lets the
 * merchant see that the customer paid after the quote expired.
 */
export function evaluateCheckout(
  terms: CheckoutTerms,
  payments: readonly ObservedPayment[],
  now: Date,
): CheckoutEvaluation {
  checkTerms(terms);
  const minimumSats = minimumOf(terms);
  let paidSats = 0n;
  let settledSats = 0n;
  let paidInTime = 0n;
  for (const payment of payments) {
    if (payment.sats <= 0n) throw new RangeError('a payment is > 0 satoshis');
    paidSats += payment.sats;
    if (isSettledPayment(payment, terms.confirmations)) settledSats += payment.sats;
    if (payment.seenAt.getTime() <= terms.expiresAt.getTime()) paidInTime += payment.sats;
  }
  const enough = paidSats >= minimumSats;
  let state: CheckoutState;
  if (settledSats >= minimumSats) state = 'settled';
  else if (enough) state = now.getTime() >= terms.monitoringUntil.getTime() ? 'invalid' : 'processing';
  else state = now.getTime() >= terms.expiresAt.getTime() ? 'expired' : 'new';
  return {
    seedStatus: state === 'settled' ? 'PAID' : 'NEW',
    state,
    paidPartial: paidSats > 0n && !enough,
    paidOver: paidSats > terms.dueSats,
    paidLate: enough && paidInTime < minimumSats,
    paidSats,
    settledSats,
    pendingSats: paidSats - settledSats,
    minimumSats,
    amountDueSats: terms.dueSats - paidSats,
  };
}

/** ceil(dueSats × (100 − tolerance) / 100), exactly (the tolerance in hundredths of a percent). */
function minimumOf(terms: CheckoutTerms): bigint {
  const basisPoints = toMinorUnits(String(terms.tolerancePercent), 2);
  const numerator = terms.dueSats * (10_000n - basisPoints);
  const minimum = (numerator + 9_999n) / 10_000n;
  return minimum > 0n ? minimum : 1n;
}

function checkTerms(terms: CheckoutTerms): void {
  if (terms.dueSats <= 0n) throw new RangeError('dueSats must be > 0');
  if (!(terms.tolerancePercent >= 0 && terms.tolerancePercent <= 100))
    throw new RangeError('tolerancePercent must be from 0 to 100');
  if (!Number.isInteger(terms.confirmations) || terms.confirmations < 0 || terms.confirmations > 6)
    throw new RangeError('confirmations must be from 0 to 6');
  if (terms.monitoringUntil.getTime() < terms.expiresAt.getTime())
    throw new RangeError('monitoringUntil is not before expiresAt');
}
