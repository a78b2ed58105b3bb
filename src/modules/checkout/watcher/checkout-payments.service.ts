import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainEvents } from '../../../events/domain-events.js';
import type { Charge } from '../../payment-requests/charge.entity.js';
import type { PaymentRequestWithCharges } from '../../payment-requests/payment-request.presenter.js';
import { chargeState } from '../../payment-requests/payment-request-status.js';
import { PaymentRequestsService } from '../../payment-requests/payment-requests.service.js';
import { WebhooksService } from '../../webhooks/webhooks.service.js';
import { outputReference, type ChainOutput } from '../chain/chain-outputs.js';
import {
  evaluateCheckout,
  type CheckoutEvaluation,
  type ObservedPayment,
} from '../chain/invoice-evaluation.js';
import { bitcoinChargeAmount, btcToSats, satsToBtc } from '../chain/settlement-amounts.js';
import { CheckoutInvoice } from '../checkout-invoice.entity.js';
import { CheckoutStore } from '../checkout-store.entity.js';
import { CHECKOUT_INVOICE_UPDATED, checkoutCallbackObject } from '../checkout.events.js';
import { isEmptyPlan, planInvoice, type StandingCharge } from './watch-plan.js';

/** The managed webhook endpoint of a store's callback (webhooks module), and what it receives. */
export const STORE_CALLBACK = 'checkout-store';

/** What a poll of an invoice's address found. */
export interface AddressObservation {
  outputs: ChainOutput[];
  mempoolComplete: boolean;
}

/**
 * Applies what the chain shows to one invoice, in ONE transaction under its payment request's row lock:
 * the Bitcoin charges (recorded, updated, settled, voided, with their events), the seed status and the
 * figures on the invoice, and `checkout.invoice.updated` (the store's callback), together or not at all.
 * Decided again under the lock from the charges as they are then: two watchers applying the same
 * observation write it once.
 */
@Injectable()
export class CheckoutPaymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly paymentRequests: PaymentRequestsService,
    private readonly webhooks: WebhooksService,
    private readonly events: DomainEvents,
  ) {}

  /** True when anything was written. */
  async apply(
    organizationId: string,
    invoiceId: string,
    seen: AddressObservation,
    now = new Date(),
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.paymentRequests.lockInTransaction(manager, organizationId, invoiceId);
      const invoice = await manager.getRepository(CheckoutInvoice).findOneByOrFail({ id: invoiceId });
      const plan = planInvoice({
        outputs: seen.outputs,
        mempoolComplete: seen.mempoolComplete,
        charges: standingCharges(current.charges),
        requiredConfirmations: invoice.requiredConfirmations,
        acceptsNew: now.getTime() < invoice.monitoringUntil.getTime(),
      });
      let after: PaymentRequestWithCharges = current;
      let changed = false;
      const dueSats = btcToSats(invoice.btcAmount);
      const key = (output: ChainOutput) => ({
        chargeType: 'bitcoin' as const,
        reference: outputReference(output),
      });
      for (const { output, settled } of plan.record) {
        const result = await this.paymentRequests.recordExternalCharge(
          organizationId,
          invoiceId,
          {
            ...key(output),
            amount: bitcoinChargeAmount(dueSats, output.sats),
            settled,
            confirmations: output.confirmations,
            originalAmount: satsToBtc(output.sats),
            originalCurrency: 'BTC',
          },
          { manager },
        );
        after = result;
        changed ||= result.changed;
      }
      for (const { output, settle } of plan.update) {
        const result = await this.paymentRequests.updateExternalCharge(
          organizationId,
          invoiceId,
          key(output),
          { confirmations: output.confirmations, settle },
          { manager },
        );
        after = result;
        changed ||= result.changed;
      }
      for (const reference of plan.void) {
        const result = await this.paymentRequests.voidExternalCharge(
          organizationId,
          invoiceId,
          { chargeType: 'bitcoin', reference },
          { manager },
        );
        after = result;
        changed ||= result.changed;
      }
      if (isEmptyPlan(plan) && !changed) return false;

      const evaluation = evaluate(invoice, after.charges, now);
      const status = evaluation.seedStatus;
      if (status !== invoice.status) {
        invoice.status = status;
        invoice.paidAt = status === 'PAID' ? now : null;
      }
      invoice.paidSats = String(evaluation.paidSats);
      invoice.settledSats = String(evaluation.settledSats);
      invoice.pendingSats = String(evaluation.pendingSats);
      invoice.paidLate = evaluation.paidLate;
      if (plan.record.length > 0 && invoice.paymentSeenAt === null) invoice.paymentSeenAt = now;
      // Every change shows in updated_at, the callback object's one moving field besides status.
      invoice.updatedAt = now;
      await manager.getRepository(CheckoutInvoice).save(invoice);
      await this.recordUpdated(manager, invoice);
      return true;
    });
  }

  /**
   * `checkout.invoice.updated` with seed 003's object, after bringing the store's callback endpoint in
   * step with its callbackUrl and secret (in the same transaction).
   */
  async recordUpdated(manager: EntityManager, invoice: CheckoutInvoice): Promise<void> {
    const store = await manager.getRepository(CheckoutStore).findOneByOrFail({ id: invoice.storeId });
    await syncStoreCallback(this.webhooks, manager, store);
    await this.events.record(manager, {
      type: CHECKOUT_INVOICE_UPDATED,
      organizationId: invoice.organizationId,
      payload: checkoutCallbackObject(invoice),
    });
  }
}

/** The store's callback as a managed webhook endpoint: its URL and secret, the bare seed object. */
export function syncStoreCallback(
  webhooks: WebhooksService,
  manager: EntityManager,
  store: CheckoutStore,
  options: { urlJustSet?: boolean } = {},
): Promise<unknown> {
  return webhooks.syncManaged(manager, {
    organizationId: store.organizationId,
    managedBy: STORE_CALLBACK,
    ownerId: store.id,
    url: store.callbackUrl,
    secret: store.callbackSecret,
    events: [CHECKOUT_INVOICE_UPDATED],
    bodyFormat: 'payload',
    description: `Checkout store ${store.id} callback`,
    reenable: options.urlJustSet === true,
  });
}

function standingCharges(charges: readonly Charge[]): StandingCharge[] {
  return charges
    .filter((c) => c.chargeType === 'bitcoin' && c.reference !== null && chargeState(c) !== 'voided')
    .map((c) => ({
      reference: c.reference!,
      settled: c.settledAt !== null,
      confirmations: c.confirmations ?? 0,
    }));
}

/** The invoice's evaluation from its standing Bitcoin charges (a settled one is confirmed enough). */
export function evaluate(
  invoice: CheckoutInvoice,
  charges: readonly Charge[],
  now: Date,
): CheckoutEvaluation {
  const payments: ObservedPayment[] = charges
    .filter(
      (c) =>
        c.chargeType === 'bitcoin' &&
        chargeState(c) !== 'voided' &&
        c.originalCurrency === 'BTC' &&
        c.originalAmount !== null &&
        btcToSats(c.originalAmount) > 0n,
    )
    .map((c) => ({
      sats: btcToSats(c.originalAmount!),
      confirmations: c.settledAt !== null ? 6 : (c.confirmations ?? 0),
      // A pending charge is short of its confirmations by definition; this keeps it so at 0 required.
      rbfSignalled: c.settledAt === null,
      seenAt: c.createdAt,
    }));
  return evaluateCheckout(termsOf(invoice), payments, now);
}

export function termsOf(invoice: CheckoutInvoice) {
  return {
    dueSats: btcToSats(invoice.btcAmount),
    tolerancePercent: Number(invoice.paymentTolerancePercent),
    confirmations: invoice.requiredConfirmations,
    expiresAt: invoice.expiresAt,
    monitoringUntil: invoice.monitoringUntil,
  };
}
