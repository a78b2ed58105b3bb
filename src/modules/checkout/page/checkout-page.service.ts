import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { Repository } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error.js';
import { LOGGER } from '../../../common/logging/logger.js';
import { formatMoney } from '../../../common/money/money.js';
import { UUID } from '../../../common/pagination/uuid.js';
import { LightningBackend } from '../../lightning/lightning-backend.js';
import { presentLightningPayment } from '../../lightning-payments/lightning-payment.presenter.js';
import { LightningPaymentsService } from '../../lightning-payments/lightning-payments.service.js';
import { presentPaymentRequest } from '../../payment-requests/payment-request.presenter.js';
import { PaymentRequestsService } from '../../payment-requests/payment-requests.service.js';
import { paymentUri } from '../bitcoin/addresses.js';
import { CheckoutInvoice } from '../checkout-invoice.entity.js';
import { checkoutInvoiceNotFound } from '../checkout.errors.js';
import {
  lightningNotOffered,
  lightningRefusal,
  presentCheckoutLightning,
  publicLightningError,
  type CheckoutLightningInvoice,
} from './checkout-lightning.js';
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
    private readonly lightningPayments: LightningPaymentsService,
    private readonly lightningBackend: LightningBackend,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Whether the page offers Lightning beside on-chain: a backend is configured. */
  get lightningOffered(): boolean {
    return this.lightningBackend.name !== 'none';
  }

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
      lightning: this.lightningOffered,
      state,
    };
  }

  /** Null for an unknown or malformed id. */
  async status(id: string, now = new Date()): Promise<CheckoutPublicStatus | null> {
    if (!UUID.test(id)) return null;
    const invoice = await this.invoices.findOne({ where: { id } });
    return invoice ? this.stateOf(invoice, now) : null;
  }

  /**
   * A Lightning invoice for what the invoice still asks (its payment request's id is the invoice's), in
   * the invoice's organization: the one already open for that amount when it has time left, so that
   * clicking again makes no new one. Errors as publicLightningError tells them: 404 unknown, malformed
   * or no backend, 409 not payable (paid, on its way, cancelled, expired), 503 no rate or no backend.
   */
  async lightning(
    id: string,
    qrLabel: string,
    now = new Date(),
  ): Promise<{ invoice: CheckoutLightningInvoice; created: boolean }> {
    if (!this.lightningOffered) throw lightningNotOffered();
    if (!UUID.test(id)) throw checkoutInvoiceNotFound();
    const invoice = await this.invoices.findOne({ where: { id } });
    const state = invoice && (await this.stateOf(invoice, now));
    if (!invoice || !state) throw checkoutInvoiceNotFound();
    const refusal = lightningRefusal(state.status);
    if (refusal) throw refusal;
    try {
      const { payment, created } = await this.lightningPayments.issue(
        invoice.organizationId,
        invoice.id,
        now,
      );
      return { invoice: presentCheckoutLightning(presentLightningPayment(payment), qrLabel), created };
    } catch (e) {
      // The public answer leaves out the backend's and the rate sources' words: the log keeps them.
      if (e instanceof DomainError && e.kind === 'unavailable') {
        this.logger.warn({ code: e.code, details: e.details, invoiceId: id }, e.message);
      }
      throw publicLightningError(e);
    }
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
