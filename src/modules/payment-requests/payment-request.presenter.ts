import { formatMoney } from '../../common/money/money.js';
import type { ChargeDto, PaymentRequestDto } from './dto/payment-request.dto.js';
import type { Charge } from './charge.entity.js';
import { chargeState, paymentState } from './payment-request-status.js';
import type { PaymentRequest } from './payment-request.entity.js';

/** A request with its charges (voided ones included): what both its views are made of. */
export interface PaymentRequestWithCharges {
  request: PaymentRequest;
  charges: Charge[];
}

/** The canonical resource. amountPaid and amountDue come from the same status machine as the status. */
export function presentPaymentRequest({ request: p, charges }: PaymentRequestWithCharges): PaymentRequestDto {
  const state = paymentState({
    total: p.amount,
    currency: p.currency,
    charges,
    cancelledAt: p.cancelledAt,
  });
  return {
    id: p.id,
    amount: shownAmount(p.amount, p.currency),
    currency: p.currency,
    description: p.description,
    customerEmail: p.customerEmail,
    dueDate: p.dueDate,
    status: p.status,
    origin: p.origin,
    amountPaid: state.amountPaid,
    amountDue: state.amountDue,
    amountPending: state.amountPending,
    charges: charges.map((c) => presentCharge(c, p.currency)),
    invoice:
      p.invoiceUploadId && p.invoiceFileName && p.invoiceMimeType && p.invoiceAttachedAt
        ? {
            uploadId: p.invoiceUploadId,
            filename: p.invoiceFileName,
            mimeType: p.invoiceMimeType,
            size: Number(p.invoiceSize),
            attachedAt: p.invoiceAttachedAt.toISOString(),
          }
        : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    paidAt: p.paidAt?.toISOString() ?? null,
    cancelledAt: p.cancelledAt?.toISOString() ?? null,
  };
}

export function presentCharge(c: Charge, currency: string): ChargeDto {
  return {
    id: c.id,
    paymentRequestId: c.paymentRequestId,
    amount: shownAmount(c.amount, currency),
    currency,
    reference: c.reference,
    note: c.note,
    chargeType: c.chargeType,
    createdAt: c.createdAt.toISOString(),
    state: chargeState(c),
    settledAt: c.settledAt?.toISOString() ?? null,
    voidedAt: c.voidedAt?.toISOString() ?? null,
    confirmations: c.confirmations,
    originalAmount:
      c.originalAmount === null ? null : shownAmount(c.originalAmount, c.originalCurrency ?? ''),
    originalCurrency: c.originalCurrency,
  };
}

/**
 * At the currency's scale: "12.50" EUR, "1000" JPY, "1.234" KWD, whatever scale an older row was
 * written with. A code no table knows (only a row from before currencies were checked against ISO 4217
 * could hold one) is shown as stored rather than failing the whole answer.
 */
export function shownAmount(amount: string, currency: string): string {
  try {
    return formatMoney(amount, currency);
  } catch (e) {
    if (e instanceof RangeError) return amount;
    throw e;
  }
}
