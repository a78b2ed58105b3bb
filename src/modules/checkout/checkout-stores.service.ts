import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../common/errors/domain-error.js';
import { BTC } from '../../common/money/currency.js';
import { decodeCursor, isCursorTimestamp, nextCreatedAtCursor } from '../../common/pagination/cursor.js';
import { UUID } from '../../common/pagination/uuid.js';
import { isUniqueViolation } from '../bank/bank-accounts.service.js';
import { generateWebhookSecret } from '../webhooks/webhook-signer.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { parseAccountKey, type AccountKey } from './bitcoin/extended-key.js';
import type { CheckoutStore } from './checkout-store.entity.js';
import { CheckoutStoresRepository } from './checkout-stores.repository.js';
import { invalidDerivationScheme, storeKeyInUse, storeKeyLocked, storeNotFound } from './checkout.errors.js';
import type { AddressUsage } from './gap-limit.js';
import { syncStoreCallback } from './watcher/checkout-payments.service.js';

const STORE_SORT = 'created_at';

export interface StoreInput {
  name?: string;
  currency?: string;
  derivationScheme?: string;
  addressType?: string;
  callbackUrl?: string | null;
  confirmations?: number;
  expirationMinutes?: number;
  monitoringMinutes?: number;
  paymentTolerancePercent?: string;
  successRedirectUrl?: string | null;
  errorRedirectUrl?: string | null;
}

export interface StoreWithUsage {
  store: CheckoutStore;
  usage: AddressUsage;
}

@Injectable()
export class CheckoutStoresService {
  constructor(
    private readonly repository: CheckoutStoresRepository,
    private readonly webhooks: WebhooksService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async create(
    organizationId: string,
    input: StoreInput & Required<Pick<StoreInput, 'name' | 'currency' | 'derivationScheme'>>,
  ): Promise<StoreWithUsage> {
    checkSettlementCurrency(input.currency);
    const key = accountKey(input.derivationScheme, input.addressType);
    if (input.callbackUrl) await this.webhooks.checkUrl(input.callbackUrl);
    try {
      const store = await this.repository.insert({
        organizationId,
        name: input.name,
        currency: input.currency,
        derivationScheme: key.text,
        addressType: key.addressType,
        network: key.network,
        keyFingerprint: fingerprint(key),
        callbackUrl: input.callbackUrl ?? null,
        callbackSecret: generateWebhookSecret(),
        confirmations: input.confirmations ?? 1,
        expirationMinutes: input.expirationMinutes ?? 15,
        monitoringMinutes: input.monitoringMinutes ?? 1440,
        paymentTolerancePercent: input.paymentTolerancePercent ?? '0',
        successRedirectUrl: input.successRedirectUrl ?? null,
        errorRedirectUrl: input.errorRedirectUrl ?? null,
      });
      return { store, usage: { issued: 0, lastPaidIndex: null } };
    } catch (e) {
      if (isUniqueViolation(e)) throw storeKeyInUse();
      throw e;
    }
  }

  async get(organizationId: string, id: string): Promise<StoreWithUsage> {
    const store = await this.repository.findOneForOrganization(organizationId, id);
    if (!store) throw storeNotFound();
    return (await this.withUsage([store]))[0];
  }

  /** The key may change only while no address was handed out (under the row lock invoices take). */
  async update(organizationId: string, id: string, input: StoreInput): Promise<StoreWithUsage> {
    if (input.currency !== undefined) checkSettlementCurrency(input.currency);
    await this.get(organizationId, id); // 404 before judging the rest
    if (input.callbackUrl) await this.webhooks.checkUrl(input.callbackUrl);
    try {
      const store = await this.dataSource.transaction(async (manager) => {
        const store = await this.repository.lockForUpdate(manager, organizationId, id);
        if (!store) throw storeNotFound();
        if (input.derivationScheme !== undefined || input.addressType !== undefined) {
          const key = accountKey(
            input.derivationScheme ?? store.derivationScheme,
            input.addressType ?? (input.derivationScheme === undefined ? store.addressType : undefined),
          );
          const keyFingerprint = fingerprint(key);
          if (keyFingerprint !== store.keyFingerprint && store.nextAddressIndex > 0) {
            throw storeKeyLocked(store.nextAddressIndex);
          }
          Object.assign(store, {
            derivationScheme: key.text,
            addressType: key.addressType,
            network: key.network,
            keyFingerprint,
          });
        }
        if (input.name !== undefined) store.name = input.name;
        if (input.currency !== undefined) store.currency = input.currency;
        if (input.callbackUrl !== undefined) store.callbackUrl = input.callbackUrl;
        if (input.confirmations !== undefined) store.confirmations = input.confirmations;
        if (input.expirationMinutes !== undefined) store.expirationMinutes = input.expirationMinutes;
        if (input.monitoringMinutes !== undefined) store.monitoringMinutes = input.monitoringMinutes;
        if (input.paymentTolerancePercent !== undefined)
          store.paymentTolerancePercent = input.paymentTolerancePercent;
        if (input.successRedirectUrl !== undefined) store.successRedirectUrl = input.successRedirectUrl;
        if (input.errorRedirectUrl !== undefined) store.errorRedirectUrl = input.errorRedirectUrl;
        const saved = await this.repository.save(manager, store);
        // Its callback endpoint follows; setting callbackUrl enables it again after a 410 Gone.
        await syncStoreCallback(this.webhooks, manager, saved, {
          urlJustSet: input.callbackUrl !== undefined && input.callbackUrl !== null,
        });
        return saved;
      });
      return (await this.withUsage([store]))[0];
    } catch (e) {
      if (isUniqueViolation(e)) throw storeKeyInUse();
      throw e;
    }
  }

  /** A new callback secret at once; the old one stops signing. */
  async rotateSecret(organizationId: string, id: string): Promise<StoreWithUsage> {
    const store = await this.dataSource.transaction(async (manager) => {
      const store = await this.repository.lockForUpdate(manager, organizationId, id);
      if (!store) throw storeNotFound();
      store.callbackSecret = generateWebhookSecret();
      const saved = await this.repository.save(manager, store);
      await syncStoreCallback(this.webhooks, manager, saved); // signs with the new secret from now on
      return saved;
    });
    return (await this.withUsage([store]))[0];
  }

  async list(
    organizationId: string,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: StoreWithUsage[]; nextCursor: string | null }> {
    let after: { createdAt: string; id: string } | undefined;
    if (page.cursor !== undefined) {
      const position = decodeCursor(page.cursor);
      if (
        position?.sort !== STORE_SORT ||
        !isCursorTimestamp(position.value) ||
        typeof position.id !== 'string' ||
        !UUID.test(position.id)
      ) {
        throw new DomainError('unprocessable', 'INVALID_CURSOR', 'The cursor is invalid for this list');
      }
      after = { createdAt: position.value, id: position.id };
    }
    const { rows, hasMore } = await this.repository.findPageForOrganization(
      organizationId,
      page.limit,
      after,
    );
    return { rows: await this.withUsage(rows), nextCursor: nextCreatedAtCursor(STORE_SORT, rows, hasMore) };
  }

  private async withUsage(stores: CheckoutStore[]): Promise<StoreWithUsage[]> {
    const lastPaid = await this.repository.lastPaidIndexes(stores.map((s) => s.id));
    return stores.map((store) => ({
      store,
      usage: { issued: store.nextAddressIndex, lastPaidIndex: lastPaid.get(store.id) ?? null },
    }));
  }
}

/** The settlement currency: an ISO 4217 currency (the DTO checked the code); not bitcoin itself. */
function checkSettlementCurrency(currency: string): void {
  if (currency === BTC) {
    throw new DomainError(
      'unprocessable',
      'VALIDATION_FAILED',
      'currency must be a fiat currency such as EUR',
      [
        {
          field: 'currency',
          messages: ['currency must be the fiat currency invoices are priced in, not BTC'],
        },
      ],
    );
  }
}

function accountKey(derivationScheme: string, addressType: string | null | undefined): AccountKey {
  const parsed = parseAccountKey(derivationScheme, addressType);
  if (!parsed.ok) throw invalidDerivationScheme(parsed.problem, parsed.message);
  return parsed.key;
}

/** Two keys with the same fingerprint give the same addresses (a zpub and its xpub + p2wpkh do). */
function fingerprint(key: AccountKey): string {
  const { publicKey, chainCode } = key.node;
  if (!publicKey || !chainCode) throw new Error('account key without public key or chain code');
  return createHash('sha256')
    .update(publicKey)
    .update(chainCode)
    .update(`${key.addressType}:${key.network}`)
    .digest('hex');
}
