import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import type { WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { BTC } from '../../common/money/currency.js';
import { isPositive, parseMoney } from '../../common/money/money.js';
import { decodeCursor, isCursorTimestamp, nextCreatedAtCursor } from '../../common/pagination/cursor.js';
import { UUID } from '../../common/pagination/uuid.js';
import { invalidAmount } from '../payment-requests/payment-requests.errors.js';
import { PaymentRequestsService } from '../payment-requests/payment-requests.service.js';
import { RatesService } from '../rates/rates.service.js';
import { deriveReceivingAddress } from './bitcoin/addresses.js';
import { parseAccountKey } from './bitcoin/extended-key.js';
import { invoiceFigures } from './checkout-amounts.js';
import type { CheckoutInvoice } from './checkout-invoice.entity.js';
import { CheckoutInvoicesRepository } from './checkout-invoices.repository.js';
import { CheckoutStoresRepository } from './checkout-stores.repository.js';
import {
  checkoutInvoiceNotFound,
  currencyNotStoreCurrency,
  storeAddressesExhausted,
  storeChanged,
  storeNotFound,
} from './checkout.errors.js';

const INVOICE_SORT = '-created_at';
const USD = 'USD';
const MINUTE_MS = 60_000;

export interface CheckoutInvoiceInput {
  amount: string;
  currency?: string;
  customerEmail?: string | null;
  successRedirectUrl?: string | null;
  errorRedirectUrl?: string | null;
}

@Injectable()
export class CheckoutInvoicesService {
  constructor(
    private readonly stores: CheckoutStoresRepository,
    private readonly invoices: CheckoutInvoicesRepository,
    private readonly paymentRequests: PaymentRequestsService,
    private readonly rates: RatesService,
  ) {}

  /**
   * Prices the invoice first, outside any transaction (a rate source may be slow; RATE_UNAVAILABLE
   * leaves nothing behind), then in ONE transaction: the payment request (same id) and its
   * payment_request.created event, the store's next index (its row locked until commit, so racing
   * requests on any replica each get their own), the address, the invoice, the Idempotency-Key answer.
   */
  async create(
    organizationId: string,
    storeId: string,
    input: CheckoutInvoiceInput,
    withinWrite?: WithinWrite<CheckoutInvoice>,
  ): Promise<CheckoutInvoice> {
    const store = await this.stores.findOneForOrganization(organizationId, storeId);
    if (!store) throw storeNotFound();
    const currency = input.currency ?? store.currency;
    if (currency !== store.currency) throw currencyNotStoreCurrency(currency, store.currency);
    const parsed = parseMoney(input.amount, currency);
    if ('problem' in parsed || !isPositive(parsed.value)) throw invalidAmount(currency);
    const amount = parsed.value;

    const [btc, usd] = await Promise.all([this.rates.quote(currency, BTC), this.rates.quote(currency, USD)]);
    const figures = invoiceFigures(amount, btc.rate, usd.rate);
    const ratesFetchedAt = btc.fetchedAt < usd.fetchedAt ? btc.fetchedAt : usd.fetchedAt;

    let invoice: CheckoutInvoice | undefined;
    await this.paymentRequests.create(
      organizationId,
      {
        amount,
        currency,
        customerEmail: input.customerEmail ?? null,
        description: `Bitcoin checkout: ${store.name}`,
        origin: 'checkout',
      },
      async (manager, { request }) => {
        const taken = await this.stores.takeNextIndex(manager, organizationId, storeId);
        if (!taken) {
          const still = await this.stores.lockForUpdate(manager, organizationId, storeId);
          throw still ? storeAddressesExhausted() : storeNotFound();
        }
        const current = taken.store;
        if (current.currency !== currency) throw storeChanged();
        const key = parseAccountKey(current.derivationScheme, current.addressType);
        if (!key.ok) throw new Error(`store ${current.id} holds a key that no longer parses: ${key.message}`);
        const address = deriveReceivingAddress(key.key, taken.index);
        const now = Date.now();
        const expiresAt = new Date(now + current.expirationMinutes * MINUTE_MS);
        invoice = await this.invoices.insert(manager, {
          id: request.id,
          organizationId,
          storeId,
          amount,
          currency,
          status: 'NEW',
          customerEmail: input.customerEmail ?? null,
          successRedirectUrl:
            input.successRedirectUrl !== undefined ? input.successRedirectUrl : current.successRedirectUrl,
          errorRedirectUrl:
            input.errorRedirectUrl !== undefined ? input.errorRedirectUrl : current.errorRedirectUrl,
          btcAddress: address.address,
          addressIndex: address.index,
          keyPath: address.keyPath,
          network: key.key.network,
          btcRate: figures.btcRate,
          btcAmount: figures.btcAmount,
          btcRateSource: btc.source,
          usdRate: figures.usdRate,
          usdAmount: figures.usdAmount,
          usdRateSource: usd.source,
          ratesFetchedAt,
          requiredConfirmations: current.confirmations,
          paymentTolerancePercent: current.paymentTolerancePercent,
          expiresAt,
          monitoringUntil: new Date(expiresAt.getTime() + current.monitoringMinutes * MINUTE_MS),
          paymentSeenAt: null,
          paidAt: null,
        });
        await withinWrite?.(manager, invoice);
      },
    );
    if (!invoice) throw new Error('checkout invoice not written');
    return invoice;
  }

  async get(organizationId: string, storeId: string, id: string): Promise<CheckoutInvoice> {
    await this.requireStore(organizationId, storeId);
    const invoice = await this.invoices.findOneForStore(organizationId, storeId, id);
    if (!invoice) throw checkoutInvoiceNotFound();
    return invoice;
  }

  async list(
    organizationId: string,
    storeId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: CheckoutInvoice[]; nextCursor: string | null }> {
    await this.requireStore(organizationId, storeId);
    let before: { createdAt: string; id: string } | undefined;
    if (page.cursor !== undefined) {
      const position = decodeCursor(page.cursor);
      if (
        position?.sort !== INVOICE_SORT ||
        !isCursorTimestamp(position.value) ||
        typeof position.id !== 'string' ||
        !UUID.test(position.id)
      ) {
        throw new DomainError('unprocessable', 'INVALID_CURSOR', 'The cursor is invalid for this list');
      }
      before = { createdAt: position.value, id: position.id };
    }
    const { rows, hasMore } = await this.invoices.findPageForStore(
      organizationId,
      storeId,
      page.limit,
      before,
    );
    return { rows, nextCursor: nextCreatedAtCursor(INVOICE_SORT, rows, hasMore) };
  }

  private async requireStore(organizationId: string, storeId: string): Promise<void> {
    if (!(await this.stores.findOneForOrganization(organizationId, storeId))) throw storeNotFound();
  }
}
