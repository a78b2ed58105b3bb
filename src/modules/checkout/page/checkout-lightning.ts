import { DomainError } from '../../../common/errors/domain-error.js';
import { checkoutInvoiceNotFound } from '../checkout.errors.js';
import type { CheckoutPageStatus } from './checkout-status.js';
import { qrSvg } from './qr-svg.js';

/**
 * Lightning on the hosted checkout page (issue 12 §3): what its public route answers and refuses. The
 * route has no credentials, so what it says of a failure is a stable code and a plain sentence, never
 * the backend's or the rate sources' own words (those stay in the log).
 */

/** What POST /checkout/{invoice_id}/lightning answers: enough for the page's script, no markup but the QR. */
export interface CheckoutLightningInvoice {
  bolt11: string;
  paymentHash: string;
  /** At 8 decimals: what the invoice asks, rounded up to the satoshi. */
  btcAmount: string;
  expiresAt: string;
  /** The QR code of lightningUri(bolt11), made here: the script inserts it as is. */
  qrSvg: string;
}

/** LIGHTNING_BACKEND=none: the page offers no Lightning and the route answers as if it did not exist. */
export const lightningNotOffered = () =>
  new DomainError('not_found', 'LIGHTNING_NOT_OFFERED', 'Lightning is not offered for this invoice');

const notPayable = () =>
  new DomainError('conflict', 'PAYMENT_REQUEST_NOT_PAYABLE', 'This invoice takes no new payment');
const nothingDue = () =>
  new DomainError(
    'conflict',
    'PAYMENT_REQUEST_NOTHING_DUE',
    'Nothing is due on this invoice, or a payment is already on its way',
  );
const expired = () =>
  new DomainError(
    'conflict',
    'CHECKOUT_INVOICE_EXPIRED',
    'This invoice has expired: its rate no longer holds',
  );

/**
 * Only what the page offers Lightning for may have one: an invoice waiting for its payment. Paid or
 * with a payment on its way, nothing is due; cancelled, nothing is taken; past its expiry, the merchant's
 * quote no longer holds (a payment already made is still detected on-chain). Pure.
 */
export function lightningRefusal(status: CheckoutPageStatus): DomainError | null {
  switch (status) {
    case 'new':
      return null;
    case 'paid':
    case 'processing':
      return nothingDue();
    case 'cancelled':
      return notPayable();
    case 'expired':
      return expired();
  }
}

/**
 * A failure of LightningPaymentsService.issue as the public route tells it: the same codes and statuses,
 * a sentence of ours, no details. Anything unforeseen is passed on unchanged (a 500 the filter hides).
 */
export function publicLightningError(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  switch (error.code) {
    case 'PAYMENT_REQUEST_NOT_FOUND':
      return checkoutInvoiceNotFound();
    case 'PAYMENT_REQUEST_NOT_PAYABLE':
      return notPayable();
    case 'PAYMENT_REQUEST_NOTHING_DUE':
      return nothingDue();
    case 'RATE_UNAVAILABLE':
    case 'LIGHTNING_UNAVAILABLE':
      return new DomainError(
        'unavailable',
        error.code,
        'Lightning is unavailable right now; try again later',
      );
    default:
      return error;
  }
}

/**
 * What a wallet's camera reads: the BOLT #11 upper-case (BOLT #11 is case-insensitive, and upper-case fits
 * a QR code's denser alphanumeric mode) behind the `lightning:` scheme.
 */
export function lightningUri(bolt11: string): string {
  return `lightning:${bolt11.toUpperCase()}`;
}

/** Pure. */
export function presentCheckoutLightning(
  invoice: { bolt11: string; paymentHash: string; btcAmount: string; expiresAt: string },
  qrLabel: string,
): CheckoutLightningInvoice {
  return {
    bolt11: invoice.bolt11,
    paymentHash: invoice.paymentHash,
    btcAmount: invoice.btcAmount,
    expiresAt: invoice.expiresAt,
    qrSvg: qrSvg(lightningUri(invoice.bolt11), qrLabel),
  };
}
