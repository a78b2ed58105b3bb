import type { PaymentRequestStatus } from '../../payment-requests/payment-request-status.js';
import { invoiceFigures } from '../checkout-amounts.js';
import type { CheckoutInvoiceStatus } from '../checkout-invoice.entity.js';

/**
 * What the customer's page shows:
 * - `new`: waiting for the payment (perhaps partly paid: amount_due says what is left);
 * - `processing`: a payment was seen and is not counted yet (waiting for its confirmations);
 * - `paid`: the invoice is PAID;
 * - `expired`: the rate no longer holds; a payment is still detected while `still_watched`;
 * - `cancelled`: the merchant cancelled it.
 */
export const CHECKOUT_PAGE_STATUSES = ['new', 'processing', 'paid', 'expired', 'cancelled'] as const;
export type CheckoutPageStatus = (typeof CHECKOUT_PAGE_STATUSES)[number];

export interface CheckoutStatusFacts {
  invoiceStatus: CheckoutInvoiceStatus;
  /** The payment request's, derived from its counted charges (seed 004's status machine). */
  requestStatus: PaymentRequestStatus;
  /** In the settlement currency: amount − counted charges. */
  amountDue: string;
  /** In the settlement currency: what was seen but is not counted yet (none when unknown). */
  amountPending: string | null;
  paymentSeenAt: Date | null;
  currency: string;
  btcRate: string;
  expiresAt: Date;
  monitoringUntil: Date;
}

/** The public status answer: what the page needs, nothing about the customer, the store or the merchant. */
export interface CheckoutPublicStatus {
  status: CheckoutPageStatus;
  /** Until expires_at, whole seconds, 0 once past. */
  seconds_left: number;
  /** Whether a payment is still looked for (before the end of the store's monitoring window). */
  still_watched: boolean;
  amount_due: string;
  currency: string;
  /** amount_due in BTC at the invoice's rate, rounded up to the satoshi as btc_amount is. */
  btc_due: string;
}

const ZERO_BTC = '0.00000000';

/** Pure: the same facts at the same instant give the same answer. */
export function checkoutStatus(facts: CheckoutStatusFacts, now: Date): CheckoutPublicStatus {
  const paid =
    facts.requestStatus !== 'cancelled' &&
    (facts.invoiceStatus === 'PAID' || facts.requestStatus === 'paid' || facts.requestStatus === 'overpaid');
  const pending = facts.amountPending !== null && /[1-9]/.test(facts.amountPending);
  const seen = facts.paymentSeenAt !== null && facts.requestStatus === 'unpaid';
  const expired = now.getTime() >= facts.expiresAt.getTime();
  // Cancelled first: a payment arriving after the merchant cancelled does not make it sold (the seed
  // status stays NEW); the page must not send the customer on to the store's success page.
  const status: CheckoutPageStatus =
    facts.requestStatus === 'cancelled'
      ? 'cancelled'
      : paid
        ? 'paid'
        : pending || seen
          ? 'processing'
          : expired
            ? 'expired'
            : 'new';
  const owed = !paid && !facts.amountDue.startsWith('-') && /[1-9]/.test(facts.amountDue);
  return {
    status,
    seconds_left: Math.max(0, Math.ceil((facts.expiresAt.getTime() - now.getTime()) / 1000)),
    still_watched: !paid && now.getTime() < facts.monitoringUntil.getTime(),
    amount_due: owed ? facts.amountDue : zeroLike(facts.amountDue),
    currency: facts.currency,
    btc_due: owed ? invoiceFigures(facts.amountDue, facts.btcRate, '1').btcAmount : ZERO_BTC,
  };
}

/** "0.00" at the amount's own scale. */
function zeroLike(amount: string): string {
  const fraction = amount.split('.')[1];
  return fraction === undefined ? '0' : `0.${'0'.repeat(fraction.length)}`;
}
