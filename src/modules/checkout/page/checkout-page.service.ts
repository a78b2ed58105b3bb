import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error.js';
import { formatMoney } from '../../../common/money/money.js';
import { UUID } from '../../../common/pagination/uuid.js';
import { presentPaymentRequest } from '../../payment-requests/payment-request.presenter.js';
import { PaymentRequestsService } from '../../payment-requests/payment-requests.service.js';
import { paymentUri } from '../bitcoin/addresses.js';
import { CheckoutInvoice } from '../checkout-invoice.entity.js';
import type { CheckoutPageView } from './checkout-page.template.js';
import { checkoutStatus, type CheckoutPublicStatus } from './checkout-status.js';

/**
 * The public side of an invoice: found by its id alone (the uuid is the capability the merchant hands
 * to the customer), whichever organization it belongs to, read-only. Its status comes from the invoice
 * and from its payment request's charges, through the same status machine as the API's.
 */
@Injectable()
export class CheckoutPageService {
  constructor(
    @InjectRepository(CheckoutInvoice) private readonly invoices: Repository<CheckoutInvoice>,
    private readonly paymentRequests: PaymentRequestsService,
  ) {}

  /** Null for an unknown or malformed id. */
  async view(id: string, now = new Date()): Promise<CheckoutPageView | null> {
    if (!UUID.test(id)) return null;
    const invoice = await this.invoices.findOne({ where: { id }, relations: { store: true } });
    if (!invoice?.store) return null;
    const state = await this.stateOf(invoice, now);
    if (!state) return null;
    const btcAmount = formatMoney(invoice.btcAmount, 'BTC');
    return {
      invoiceId: invoice.id,
      storeName: invoice.store.name,
      amount: formatMoney(invoice.amount, invoice.currency),
      currency: invoice.currency,
      btcAmount,
      btcAddress: invoice.btcAddress,
      paymentUrl: paymentUri(invoice.btcAddress, btcAmount),
      expiresAt: invoice.expiresAt,
      successRedirectUrl: invoice.successRedirectUrl,
      errorRedirectUrl: invoice.errorRedirectUrl,
      state,
    };
  }

  /** Null for an unknown or malformed id. */
  async status(id: string, now = new Date()): Promise<CheckoutPublicStatus | null> {
    if (!UUID.test(id)) return null;
    const invoice = await this.invoices.findOne({ where: { id } });
    return invoice ? this.stateOf(invoice, now) : null;
  }

  /** Null when its payment request is not found (the two go together: a row read in between). */
  private async stateOf(invoice: CheckoutInvoice, now: Date): Promise<CheckoutPublicStatus | null> {
    let withCharges;
    try {
      withCharges = await this.paymentRequests.get(invoice.organizationId, invoice.id);
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'not_found') return null;
      throw e;
    }
    const request = presentPaymentRequest(withCharges);
    // What was seen and not counted yet: charges that wait for their confirmations.
    const pending = request.amountPending;
    return checkoutStatus(
      {
        invoiceStatus: invoice.status,
        requestStatus: withCharges.request.status,
        amountDue: request.amountDue,
        amountPending: pending,
        paymentSeenAt: invoice.paymentSeenAt,
        currency: invoice.currency,
        btcRate: invoice.btcRate,
        expiresAt: invoice.expiresAt,
        monitoringUntil: invoice.monitoringUntil,
      },
      now,
    );
  }
}
