import { msatToBtc } from '../../common/money/money.js';
import { shownAmount } from '../payment-requests/payment-request.presenter.js';
import type { LightningPaymentDto } from './dto/lightning-payment.dto.js';
import type { LightningPayment } from './lightning-payment.entity.js';

export function presentLightningPayment(p: LightningPayment): LightningPaymentDto {
  return {
    id: p.id,
    paymentRequestId: p.paymentRequestId,
    bolt11: p.bolt11,
    paymentHash: p.paymentHash,
    amount: shownAmount(p.amount, p.currency),
    currency: p.currency,
    amountMsat: p.amountMsat,
    btcAmount: msatToBtc(BigInt(p.amountMsat), 'up'),
    rate: p.rate,
    rateSource: p.rateSource,
    rateFetchedAt: p.rateFetchedAt.toISOString(),
    state: p.state,
    createdAt: p.createdAt.toISOString(),
    expiresAt: p.expiresAt.toISOString(),
    settledAt: p.settledAt?.toISOString() ?? null,
    amountPaidMsat: p.amountPaidMsat,
    chargeId: p.chargeId,
  };
}
