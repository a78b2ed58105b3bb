import { formatMoney } from '../../common/money/money.js';
import type { PaymentRequestDto } from './dto/payment-request.dto.js';
import type { PaymentRequest } from './payment-request.entity.js';

export function presentPaymentRequest(p: PaymentRequest): PaymentRequestDto {
  return {
    id: p.id,
    amount: shownAmount(p.amount, p.currency),
    currency: p.currency,
    description: p.description,
    customerEmail: p.customerEmail,
    dueDate: p.dueDate,
    status: p.status,
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

/**
 * At the currency's scale: "12.50" EUR, "1000" JPY, "1.234" KWD, whatever scale an older row was
 * written with. A code no table knows (only a row from before currencies were checked against ISO 4217
 * could hold one) is shown as stored rather than failing the whole answer.
 */
function shownAmount(amount: string, currency: string): string {
  try {
    return formatMoney(amount, currency);
  } catch (e) {
    if (e instanceof RangeError) return amount;
    throw e;
  }
}
