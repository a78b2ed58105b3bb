import type { InvoiceDto } from './dto/invoice.dto.js';
import { isCovered } from './payment-request-status.js';
import { shownAmount, type PaymentRequestWithCharges } from './payment-request.presenter.js';

/** Seed 004's status codes: its charges cover the total or not. */
export const INVOICE_UNPAID = 10;
export const INVOICE_PAID = 20;

/**
 * A payment request as seed 004 shows it. A cancelled request is 10 (nothing more is owed, but its
 * charges do not cover it: cancelling is refused once they do). paidTime is the stored paid_at, which
 * the status machine sets when the charges first covered the total and clears when they no longer do.
 */
export function presentInvoice({ request, charges }: PaymentRequestWithCharges): InvoiceDto {
  return {
    id: request.id,
    status: isCovered(request.status) ? INVOICE_PAID : INVOICE_UNPAID,
    total: shownAmount(request.amount, request.currency),
    charges: charges.map((c) => ({
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
