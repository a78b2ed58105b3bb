import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import type { PaymentRequestCheckoutDto } from '../../payment-requests/dto/payment-request.dto.js';
import { evaluateCheckout } from '../chain/invoice-evaluation.js';
import { satsToBtc } from '../chain/settlement-amounts.js';
import { CheckoutInvoice } from '../checkout-invoice.entity.js';
import { termsOf } from './checkout-payments.service.js';

/**
 * The `checkout` section of the canonical payment request: the invoice's figures as the watcher last
 * wrote them, and what follows from them now (expired, invalid: functions of time).
 */
export async function checkoutSections(
  dataSource: DataSource,
  organizationId: string,
  ids: string[],
  now = new Date(),
): Promise<Map<string, PaymentRequestCheckoutDto>> {
  const invoices = await dataSource
    .getRepository(CheckoutInvoice)
    .find({ where: { organizationId, id: In(ids) } });
  return new Map(invoices.map((i) => [i.id, checkoutSection(i, now)]));
}

export function checkoutSection(invoice: CheckoutInvoice, now: Date): PaymentRequestCheckoutDto {
  const terms = termsOf(invoice);
  const settled = BigInt(invoice.settledSats);
  const pending = BigInt(invoice.pendingSats);
  // The figures as two payments, one confirmed enough and one not: evaluateCheckout's state and flags.
  const payments = [
    { sats: settled, confirmations: 6, rbfSignalled: false, seenAt: invoice.createdAt },
    { sats: pending, confirmations: 0, rbfSignalled: true, seenAt: invoice.createdAt },
  ].filter((p) => p.sats > 0n);
  const evaluation = evaluateCheckout(terms, payments, now);
  return {
    storeId: invoice.storeId,
    status: invoice.status,
    state: evaluation.state,
    btcAddress: invoice.btcAddress,
    btcAmount: satsToBtc(terms.dueSats),
    btcPaid: satsToBtc(evaluation.paidSats),
    btcSettled: satsToBtc(evaluation.settledSats),
    btcPending: satsToBtc(evaluation.pendingSats),
    btcDue: formatSigned(evaluation.amountDueSats),
    paidPartial: evaluation.paidPartial,
    paidOver: evaluation.paidOver,
    paidLate: invoice.paidLate,
    expiresAt: invoice.expiresAt.toISOString(),
    monitoringUntil: invoice.monitoringUntil.toISOString(),
  };
}

function formatSigned(sats: bigint): string {
  return sats < 0n ? `-${satsToBtc(-sats)}` : satsToBtc(sats);
}
