import type { PaymentRequestStatus } from '../payment-requests/payment-request-status.js';
import type { CheckoutInvoiceStatus } from './checkout-invoice.entity.js';

/**
 * Seed 003's status of an invoice, from what the chain shows and from its payment request, so that its
 * three views (seed 003, seed 004, the canonical resource) never contradict each other on "paid":
 * - `PAID` when the Bitcoin payments make it so (their confirmations, less the store's tolerance), or
 *   when the payment request is covered by any way of being paid (a bookkeeper's cash or transfer
 *   charge pays a checkout invoice as it pays any other);
 * - never `PAID` once the request is cancelled: a payment that arrives afterwards shows on the canonical
 *   resource (a negative amount due: money to give back) but the invoice was not sold.
 */
export function seedStatusOf(
  bitcoin: CheckoutInvoiceStatus,
  request: PaymentRequestStatus,
): CheckoutInvoiceStatus {
  if (request === 'cancelled') return 'NEW';
  if (request === 'paid' || request === 'overpaid') return 'PAID';
  return bitcoin;
}
