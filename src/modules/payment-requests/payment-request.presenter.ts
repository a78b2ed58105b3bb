import type { PaymentRequestDto } from './dto/payment-request.dto.js';
import type { PaymentRequest } from './payment-request.entity.js';

export function presentPaymentRequest(p: PaymentRequest): PaymentRequestDto {
  return {
    id: p.id,
    amount: p.amount,
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
