import type { InvoiceDto } from './dto/invoice.dto.js';
import { chargeState, isCovered } from './payment-request-status.js';
import { shownAmount, type PaymentRequestWithCharges } from './payment-request.presenter.js';

/** Seed 004's status codes: its charges cover the total or not. */
export const INVOICE_UNPAID = 10;
export const INVOICE_PAID = 20;

/**
 * A payment request as seed 004 shows it. A cancelled request is 10 (nothing more is owed, but its
 * charges do not cover it: cancelling is refused once they do). paidTime is the stored paid_at, which
 * the status machine sets when the settled charges first covered the total and clears when they no
 * longer do.
 *
 * Only settled charges are listed: seed 004's charges are money received, and its status is 20 exactly
 * when they cover the total, so a client adding up the list finds the status. A pending charge (a
 * transaction not confirmed yet) appears once it settles; a voided one never does. Both show, with their
 * state, on the canonical /api/v1/payment-requests resource.
 */
export function presentInvoice({ request, charges }: PaymentRequestWithCharges): InvoiceDto {
  return {
    id: request.id,
    status: isCovered(request.status) ? INVOICE_PAID : INVOICE_UNPAID,
    total: shownAmount(request.amount, request.currency),
    charges: charges
      .filter((c) => chargeState(c) === 'settled')
      .map((c) => ({
        id: c.id,
        amount: shownAmount(c.amount, request.currency),
        reference: c.reference,
        note: c.note,
        chargeType: c.chargeType,
        creationTime: c.createdAt.toISOString(),
      })),
    paidTime: isCovered(request.status) ? (request.paidAt?.toISOString() ?? null) : null,
    creationTime: request.createdAt.toISOString(),
  };
}
