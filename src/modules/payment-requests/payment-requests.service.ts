import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { isCurrencyCode } from '../../common/money/currency.js';
import { isPositive, parseMoney } from '../../common/money/money.js';
import type { CursorPosition } from '../../common/pagination/cursor.js';
import { DomainEvents } from '../../events/domain-events.js';
import { UploadsService, type FileUrl } from '../uploads/uploads.service.js';
import { isExternalChargeType, type Charge, type ExternalChargeType } from './charge.entity.js';
import { ChargesRepository } from './charges.repository.js';
import {
  canAttachDocument,
  canChangeTerms,
  cancelOutcome,
  chargeState,
  isCovered,
  paymentState,
  type PaymentRequestStatus,
  type PaymentState,
} from './payment-request-status.js';
import type { PaymentRequest, PaymentRequestOrigin } from './payment-request.entity.js';
import {
  presentCharge,
  presentPaymentRequest,
  type PaymentRequestWithCharges,
} from './payment-request.presenter.js';
import { PAYMENT_REQUEST_EVENTS as EVENTS } from './payment-requests.events.js';
import {
  chargeNotDeletable,
  chargeNotFound,
  externalChargeByHand,
  invalidAmount,
  invoiceHasCharges,
  invoiceNotAttached,
  paymentRequestNotEditable,
  paymentRequestHasPayments,
  paymentRequestNotFound,
  paymentRequestTermsFixed,
  unknownCurrency,
} from './payment-requests.errors.js';
import { PaymentRequestsRepository, type PaymentRequestFilters } from './payment-requests.repository.js';

export interface PaymentRequestInput {
  amount?: string;
  currency?: string;
  description?: string | null;
  customerEmail?: string | null;
  dueDate?: string | null;
}

export interface ChargeInput {
  amount: string;
  reference?: string | null;
  note?: string | null;
  chargeType: string;
}

/** A payment method's charge, named as its method knows it: a Bitcoin output's `txid:vout`. */
export interface ExternalChargeKey {
  chargeType: ExternalChargeType;
  reference: string;
}

export interface ExternalChargeInput extends ExternalChargeKey {
  /**
   * In the request's currency, at most at its scale, > 0 (or 0 beside an originalAmount > 0: a few
   * satoshis worth less than a cent). A function is called under the request's row lock with the request
   * and its charges as they are then: where the amount depends on what was already received (a Bitcoin
   * output's share of the invoice amount, checkout/chain/settlement-amounts.ts).
   */
  amount: string | ((current: PaymentRequestWithCharges) => string);
  /** Settled at once (enough confirmations already), or pending. */
  settled: boolean;
  confirmations?: number | null;
  /** What was really received, when not in the request's currency: satoshis as BTC at 8 decimals. */
  originalAmount?: string | null;
  originalCurrency?: string | null;
  note?: string | null;
}

export interface ExternalChargeChange {
  /** Written when it differs (charge.updated), whatever the state. */
  confirmations?: number;
  /** Settles a pending charge (charge.settled); harmless when settled already. */
  settle?: boolean;
}

/** The request after the call, the charge concerned, and whether anything was written. */
export interface ExternalChargeResult extends PaymentRequestWithCharges {
  charge: Charge;
  changed: boolean;
}

export interface InTransaction {
  /**
   * The caller's transaction, to do more in it (its manager must be in a transaction, where the
   * request's row lock is taken). Without it each call is a transaction of its own.
   */
  manager?: EntityManager;
}

@Injectable()
export class PaymentRequestsService {
  constructor(
    private readonly repository: PaymentRequestsRepository,
    private readonly charges: ChargesRepository,
    private readonly uploads: UploadsService,
    private readonly events: DomainEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there), as
   * does the `payment_request.created` event.
   */
  async create(
    organizationId: string,
    input: Required<Pick<PaymentRequestInput, 'amount' | 'currency'>> &
      PaymentRequestInput & { origin?: PaymentRequestOrigin },
    withinWrite?: WithinWrite<PaymentRequestWithCharges>,
  ): Promise<PaymentRequestWithCharges> {
    const amount = amountIn(input.amount, input.currency);
    return this.dataSource.transaction(async (manager) => {
      const request = this.repository.build({
        organizationId,
        amount,
        currency: input.currency,
        description: input.description ?? null,
        customerEmail: input.customerEmail ?? null,
        dueDate: input.dueDate ?? null,
        origin: input.origin ?? null,
        cancelledAt: null,
      });
      settle(request, []);
      const created = { request: await this.repository.save(manager, request), charges: [] };
      await this.record(manager, EVENTS.created, created);
      await withinWrite?.(manager, created);
      return created;
    });
  }

  async get(organizationId: string, id: string): Promise<PaymentRequestWithCharges> {
    const request = await this.repository.findOneForOrganization(organizationId, id);
    if (!request) throw paymentRequestNotFound();
    return { request, charges: await this.charges.forRequest(request.id) };
  }

  async list(
    organizationId: string,
    filters: PaymentRequestFilters,
    limit: number,
    cursor?: CursorPosition,
  ): Promise<{ rows: PaymentRequestWithCharges[]; hasMore: boolean }> {
    const page = await this.repository.findPageForOrganization(organizationId, filters, limit, cursor);
    const charges = await this.charges.forRequests(page.rows.map((r) => r.id));
    return {
      rows: page.rows.map((request) => ({ request, charges: charges.get(request.id) ?? [] })),
      hasMore: page.hasMore,
    };
  }

  /** Only while nothing was received (payment-request-status.ts canChangeTerms). */
  async update(
    organizationId: string,
    id: string,
    input: PaymentRequestInput,
  ): Promise<PaymentRequestWithCharges> {
    return this.dataSource.transaction(async (manager) => {
      const { request, charges } = await this.lock(manager, organizationId, id);
      if (request.origin) throw paymentRequestTermsFixed(request.origin);
      const state = stateOf(request, charges);
      if (!canChangeTerms(state, charges)) throw paymentRequestNotEditable(state.status);
      if (input.amount !== undefined || input.currency !== undefined) {
        const currency = input.currency ?? request.currency;
        request.amount = amountIn(input.amount ?? request.amount, currency);
        request.currency = currency;
      }
      if (input.description !== undefined) request.description = input.description;
      if (input.customerEmail !== undefined) request.customerEmail = input.customerEmail;
      if (input.dueDate !== undefined) request.dueDate = input.dueDate;
      settle(request, charges);
      const updated = { request: await this.repository.save(manager, request), charges };
      await this.record(manager, EVENTS.updated, updated);
      return updated;
    });
  }

  /** payment-request-status.ts cancelOutcome: harmless when cancelled already, refused once covered. */
  async cancel(organizationId: string, id: string): Promise<PaymentRequestWithCharges> {
    return this.dataSource.transaction(async (manager) => {
      const { request, charges } = await this.lock(manager, organizationId, id);
      const state = stateOf(request, charges);
      switch (cancelOutcome(state)) {
        case 'already_cancelled':
          return { request, charges };
        case 'refused':
          throw paymentRequestNotEditable(state.status);
        case 'cancel': {
          request.cancelledAt = new Date();
          settle(request, charges);
          const cancelled = { request: await this.repository.save(manager, request), charges };
          await this.record(manager, EVENTS.cancelled, cancelled);
          return cancelled;
        }
      }
    });
  }

  /**
   * Records money received (seed 004), below, at or above the total. One transaction holding the
   * request's row lock: the charge, the status recomputed over every standing charge, the events and
   * the Idempotency-Key's answer commit together, and two racing charges are applied one after the
   * other, so the second sees the first.
   *
   * A charge on a cancelled request is accepted and recorded, as BTCPay records a payment that arrives
   * after its invoice expired: the money was received whatever the request's status, and refusing to
   * record it would only hide it. The request stays cancelled and its amountDue shows what to give back.
   */
  async addCharge(
    organizationId: string,
    id: string,
    input: ChargeInput,
    withinWrite?: WithinWrite<PaymentRequestWithCharges>,
  ): Promise<PaymentRequestWithCharges> {
    if (isExternalChargeType(input.chargeType)) throw externalChargeByHand(input.chargeType);
    return this.dataSource.transaction(async (manager) => {
      const { request, charges } = await this.lock(manager, organizationId, id);
      const parsed = parseMoney(input.amount, request.currency);
      if ('problem' in parsed || !isPositive(parsed.value)) throw invalidAmount(request.currency);
      const now = new Date();
      const charge = await this.charges.insert(manager, {
        organizationId,
        paymentRequestId: request.id,
        amount: parsed.value,
        reference: input.reference ?? null,
        note: input.note ?? null,
        chargeType: input.chargeType,
        createdAt: now,
        // Money counted by hand is received when it is recorded.
        settledAt: now,
        voidedAt: null,
        confirmations: null,
        originalAmount: null,
        originalCurrency: null,
      });
      const after = await this.resettle(manager, request, [...charges, charge]);
      await this.events.record(manager, {
        type: EVENTS.chargeCreated,
        organizationId,
        payload: presentCharge(charge, request.currency),
      });
      await withinWrite?.(manager, after);
      return after;
    });
  }

  /** Takes a charge back (seed 004): the status is recomputed over those left, as in addCharge. */
  async deleteCharge(
    organizationId: string,
    id: string,
    chargeId: string,
  ): Promise<PaymentRequestWithCharges> {
    return this.dataSource.transaction(async (manager) => {
      const { request, charges } = await this.lock(manager, organizationId, id);
      const charge = charges.find((c) => c.id === chargeId);
      if (!charge) throw chargeNotFound();
      if (isExternalChargeType(charge.chargeType)) throw chargeNotDeletable(charge.chargeType);
      await this.charges.delete(manager, charge);
      const after = await this.resettle(
        manager,
        request,
        charges.filter((c) => c !== charge),
      );
      await this.events.record(manager, {
        type: EVENTS.chargeDeleted,
        organizationId,
        payload: presentCharge(charge, request.currency),
      });
      return after;
    });
  }

  // ---- Payment methods (the chain watcher, the Lightning backend) -----------------------------------
  //
  // Each call: one transaction (the caller's, when given) holding the request's row lock, in which the
  // charge, the status recomputed over every charge, and the events are written together. Two watchers
  // seeing the same payment are applied one after the other: the second finds the first's charge.

  /**
   * Records a charge seen by a payment method, pending or settled, once per (request, type, reference):
   * a second call with a reference already standing returns that charge and writes nothing (changed:
   * false), racing calls included; the unique index UQ_charges_external_reference backs this. A voided
   * charge does not stand: its reference can be recorded anew (a transaction broadcast again).
   * A charge on a cancelled request is recorded, as addCharge does (a late payment).
   */
  async recordExternalCharge(
    organizationId: string,
    paymentRequestId: string,
    input: ExternalChargeInput,
    options: InTransaction = {},
  ): Promise<ExternalChargeResult> {
    referenceIn(input.reference);
    return this.inTransaction(options, async (manager) => {
      const current = await this.lock(manager, organizationId, paymentRequestId);
      const existing = standing(current.charges, input);
      if (existing) return { ...current, charge: existing, changed: false };
      const { request, charges } = current;
      const amount = typeof input.amount === 'function' ? input.amount(current) : input.amount;
      const original = originalIn(input.originalAmount ?? null, input.originalCurrency ?? null);
      const parsed = parseMoney(amount, request.currency);
      if ('problem' in parsed) throw invalidAmount(request.currency);
      if (!isPositive(parsed.value) && !(isZero(parsed.value) && original && isPositive(original.amount)))
        throw invalidAmount(request.currency);
      const now = new Date();
      const charge = await this.charges.insert(manager, {
        organizationId,
        paymentRequestId: request.id,
        amount: parsed.value,
        reference: input.reference,
        note: input.note ?? null,
        chargeType: input.chargeType,
        createdAt: now,
        settledAt: input.settled ? now : null,
        voidedAt: null,
        confirmations: confirmationsIn(input.confirmations ?? null),
        originalAmount: original?.amount ?? null,
        originalCurrency: original?.currency ?? null,
      });
      const after = await this.resettle(manager, request, [...charges, charge]);
      await this.events.record(manager, {
        type: EVENTS.chargeCreated,
        organizationId,
        payload: presentCharge(charge, request.currency),
      });
      return { ...after, charge, changed: true };
    });
  }

  /**
   * Updates the standing charge of this reference: its confirmations (charge.updated) and/or settles it
   * (charge.settled, and payment_request.paid when the settled charges now cover the total). Writes
   * nothing when nothing changes. 404 CHARGE_NOT_FOUND when no charge of this reference stands.
   */
  async updateExternalCharge(
    organizationId: string,
    paymentRequestId: string,
    key: ExternalChargeKey,
    change: ExternalChargeChange,
    options: InTransaction = {},
  ): Promise<ExternalChargeResult> {
    return this.inTransaction(options, async (manager) => {
      const current = await this.lock(manager, organizationId, paymentRequestId);
      const charge = standing(current.charges, key);
      if (!charge) throw chargeNotFound();
      const { request, charges } = current;
      const confirmations =
        change.confirmations === undefined ? charge.confirmations : confirmationsIn(change.confirmations);
      const settles = change.settle === true && charge.settledAt === null;
      if (confirmations === charge.confirmations && !settles) return { ...current, charge, changed: false };
      charge.confirmations = confirmations;
      if (settles) charge.settledAt = new Date();
      await this.charges.save(manager, charge);
      const after = await this.resettle(manager, request, charges);
      await this.events.record(manager, {
        type: settles ? EVENTS.chargeSettled : EVENTS.chargeUpdated,
        organizationId,
        payload: presentCharge(charge, request.currency),
      });
      return { ...after, charge, changed: true };
    });
  }

  /**
   * Voids the standing charge of this reference (its transaction was replaced and left the mempool):
   * it then counts for nothing and stays as a record (charge.voided; payment_request.unpaid when the
   * settled charges no longer cover the total). Voiding again writes nothing and returns the voided
   * charge; 404 CHARGE_NOT_FOUND when the reference was never recorded.
   */
  async voidExternalCharge(
    organizationId: string,
    paymentRequestId: string,
    key: ExternalChargeKey,
    options: InTransaction = {},
  ): Promise<ExternalChargeResult> {
    return this.inTransaction(options, async (manager) => {
      const current = await this.lock(manager, organizationId, paymentRequestId);
      const charge = standing(current.charges, key);
      if (!charge) {
        const voided = current.charges.findLast(
          (c) => c.chargeType === key.chargeType && c.reference === key.reference,
        );
        if (!voided) throw chargeNotFound();
        return { ...current, charge: voided, changed: false };
      }
      const { request, charges } = current;
      charge.voidedAt = new Date();
      await this.charges.save(manager, charge);
      const after = await this.resettle(manager, request, charges);
      await this.events.record(manager, {
        type: EVENTS.chargeVoided,
        organizationId,
        payload: presentCharge(charge, request.currency),
      });
      return { ...after, charge, changed: true };
    });
  }

  /**
   * Deletes a request that received nothing (seed 004's DELETE). One with charges is refused: money
   * records do not vanish; cancel it instead. Its invoice document goes back to being a temporary upload,
   * which expires and whose file is then removed, in the same transaction as the deletion.
   */
  async delete(organizationId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const { request, charges } = await this.lock(manager, organizationId, id);
      if (request.origin) throw paymentRequestTermsFixed(request.origin);
      if (charges.length > 0) throw invoiceHasCharges(charges.length);
      try {
        await this.repository.delete(manager, request);
      } catch (e) {
        // Another payment method's record still names it (a Lightning invoice someone may pay).
        if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === '23503')
          throw paymentRequestHasPayments();
        throw e;
      }
      if (request.invoiceUploadId)
        await this.uploads.detach(manager, organizationId, request.invoiceUploadId);
    });
  }

  /**
   * Makes a confirmed upload the request's invoice document: the uploads module attaches it to the
   * request and gives its file, which the request keeps; the document it replaces, if any, goes back to
   * being a temporary upload. One transaction, so either all of this happens or nothing does.
   */
  async attachInvoice(organizationId: string, id: string, uploadId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // The request's row first, then the upload: the order every write on a request takes (DELETE
      // locks the request, then lets its document go). The other order deadlocked against a DELETE.
      const { request, charges } = await this.lock(manager, organizationId, id);
      const state = stateOf(request, charges);
      if (!canAttachDocument(state)) throw paymentRequestNotEditable(state.status);
      const document = await this.uploads.attach(manager, organizationId, uploadId, id);
      const replaced = request.invoiceUploadId !== document.uploadId ? request.invoiceUploadId : null;
      request.invoiceUploadId = document.uploadId;
      request.invoiceKey = document.key;
      request.invoiceFileName = document.fileName;
      request.invoiceMimeType = document.mimeType;
      request.invoiceSize = String(document.size);
      request.invoiceAttachedAt = new Date();
      await this.repository.save(manager, request);
      if (replaced) await this.uploads.detach(manager, organizationId, replaced);
    });
  }

  /** The request's invoice document as a short-lived URL. */
  async invoiceUrl(organizationId: string, id: string): Promise<FileUrl> {
    const { request } = await this.get(organizationId, id);
    if (!request.invoiceKey || !request.invoiceFileName || !request.invoiceMimeType)
      throw invoiceNotAttached();
    return this.uploads.fileUrl(request.invoiceKey, request.invoiceFileName, request.invoiceMimeType);
  }

  /**
   * For a payment method that decides under the request's row lock: the request locked in the caller's
   * transaction, with its charges read under that lock. Its recordExternalCharge/updateExternalCharge/
   * voidExternalCharge calls with the same manager then run under the same lock.
   */
  async lockInTransaction(
    manager: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<PaymentRequestWithCharges> {
    return this.inTransaction({ manager }, (m) => this.lock(m, organizationId, id));
  }

  private inTransaction<T>(options: InTransaction, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!options.manager) return this.dataSource.transaction(work);
    if (!options.manager.queryRunner?.isTransactionActive)
      throw new Error("a caller's manager must be in a transaction: the request's row lock is taken in it");
    return work(options.manager);
  }

  /** The request, locked for the transaction, with its charges read under that lock. */
  private async lock(
    manager: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<PaymentRequestWithCharges> {
    const request = await this.repository.lockForUpdate(manager, organizationId, id);
    if (!request) throw paymentRequestNotFound();
    return { request, charges: await this.charges.forRequest(request.id, manager) };
  }

  /**
   * Writes the status and paid time derived from `charges` and records what changed: paid when the
   * charges came to cover the total, unpaid when they no longer do, updated for any other change.
   */
  private async resettle(
    manager: EntityManager,
    request: PaymentRequest,
    charges: Charge[],
  ): Promise<PaymentRequestWithCharges> {
    const before: PaymentRequestStatus = request.status;
    settle(request, charges);
    const after = { request: await this.repository.save(manager, request), charges };
    if (request.status !== before) {
      const type =
        isCovered(request.status) && !isCovered(before)
          ? EVENTS.paid
          : !isCovered(request.status) && isCovered(before)
            ? EVENTS.unpaid
            : EVENTS.updated;
      await this.record(manager, type, after);
    }
    return after;
  }

  private async record(
    manager: EntityManager,
    type: (typeof EVENTS)['created' | 'updated' | 'paid' | 'unpaid' | 'cancelled'],
    current: PaymentRequestWithCharges,
  ): Promise<void> {
    await this.events.record(manager, {
      type,
      organizationId: current.request.organizationId,
      payload: presentPaymentRequest(current),
    });
  }
}

/** The charge of this key that is not voided (at most one: UQ_charges_external_reference). */
function standing(charges: readonly Charge[], key: ExternalChargeKey): Charge | undefined {
  return charges.find(
    (c) => c.chargeType === key.chargeType && c.reference === key.reference && chargeState(c) !== 'voided',
  );
}

function isZero(amount: string): boolean {
  return !isPositive(amount) && !amount.trim().startsWith('-');
}

/** A payment method's reference (a txid:vout, a payment hash): the key of its charge, never empty. */
function referenceIn(reference: string): void {
  if (
    typeof reference !== 'string' ||
    reference.trim() === '' ||
    reference.length > 255 ||
    reference.includes('\u0000')
  )
    throw new RangeError('a payment method charge needs a reference of 1 to 255 characters');
}

/** A payment method's own figures are checked like input: a bug there must not write a bad record. */
function confirmationsIn(confirmations: number | null): number | null {
  if (confirmations === null) return null;
  if (!Number.isSafeInteger(confirmations) || confirmations < 0)
    throw new RangeError(`confirmations must be a whole number >= 0, got ${confirmations}`);
  return confirmations;
}

function originalIn(
  amount: string | null,
  currency: string | null,
): { amount: string; currency: string } | null {
  if (amount === null && currency === null) return null;
  if (amount === null || currency === null || !isCurrencyCode(currency))
    throw new RangeError('originalAmount and originalCurrency go together, with a currency code');
  const parsed = parseMoney(amount, currency);
  if ('problem' in parsed) throw new RangeError(`originalAmount ${amount} is not an amount in ${currency}`);
  return { amount: parsed.value, currency };
}

/** The request's state from its charges, read under its row lock. */
function stateOf(request: PaymentRequest, charges: readonly Charge[]): PaymentState {
  return paymentState({
    total: request.amount,
    currency: request.currency,
    charges,
    cancelledAt: request.cancelledAt,
  });
}

/** Writes the derived status and paid time on the row, where lists filter by them. */
function settle(request: PaymentRequest, charges: readonly Charge[]): void {
  const state = stateOf(request, charges);
  request.status = state.status;
  request.paidAt = state.paidAt;
}

/** The amount written at the currency's scale ("12.5" EUR → "12.50"), or a 422 naming the field. */
function amountIn(amount: string, currency: string): string {
  if (!isCurrencyCode(currency)) throw unknownCurrency(currency);
  const parsed = parseMoney(amount, currency);
  if ('problem' in parsed || !isPositive(parsed.value)) throw invalidAmount(currency);
  return parsed.value;
}
