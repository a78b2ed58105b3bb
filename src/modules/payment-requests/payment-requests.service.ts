import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { isCurrencyCode } from '../../common/money/currency.js';
import { isPositive, parseMoney } from '../../common/money/money.js';
import type { CursorPosition } from '../../common/pagination/cursor.js';
import { UploadsService, type FileUrl } from '../uploads/uploads.service.js';
import {
  canAttachDocument,
  canChangeTerms,
  cancelOutcome,
  paymentState,
  type PaymentState,
} from './payment-request-status.js';
import { PaymentRequest } from './payment-request.entity.js';
import {
  invalidAmount,
  invoiceNotAttached,
  paymentRequestNotEditable,
  paymentRequestNotFound,
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

@Injectable()
export class PaymentRequestsService {
  constructor(
    private readonly repository: PaymentRequestsRepository,
    private readonly uploads: UploadsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there). */
  async create(
    organizationId: string,
    input: Required<Pick<PaymentRequestInput, 'amount' | 'currency'>> & PaymentRequestInput,
    withinWrite?: WithinWrite<PaymentRequest>,
  ) {
    const amount = amountIn(input.amount, input.currency);
    return writeWithin(this.dataSource, withinWrite, (manager) => {
      const request = this.repository.build({
        organizationId,
        amount,
        currency: input.currency,
        description: input.description ?? null,
        customerEmail: input.customerEmail ?? null,
        dueDate: input.dueDate ?? null,
        cancelledAt: null,
      });
      settle(request);
      return this.repository.save(manager, request);
    });
  }

  async get(organizationId: string, id: string): Promise<PaymentRequest> {
    const found = await this.repository.findOneForOrganization(organizationId, id);
    if (!found) throw paymentRequestNotFound();
    return found;
  }

  list(organizationId: string, filters: PaymentRequestFilters, limit: number, cursor?: CursorPosition) {
    return this.repository.findPageForOrganization(organizationId, filters, limit, cursor);
  }

  /** Only while nothing was received (payment-request-status.ts canChangeTerms). */
  async update(organizationId: string, id: string, input: PaymentRequestInput): Promise<PaymentRequest> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.lock(manager, organizationId, id);
      const state = stateOf(request);
      if (!canChangeTerms(state)) throw paymentRequestNotEditable(state.status);
      if (input.amount !== undefined || input.currency !== undefined) {
        const currency = input.currency ?? request.currency;
        request.amount = amountIn(input.amount ?? request.amount, currency);
        request.currency = currency;
      }
      if (input.description !== undefined) request.description = input.description;
      if (input.customerEmail !== undefined) request.customerEmail = input.customerEmail;
      if (input.dueDate !== undefined) request.dueDate = input.dueDate;
      settle(request);
      return this.repository.save(manager, request);
    });
  }

  /** payment-request-status.ts cancelOutcome: harmless when cancelled already, refused once covered. */
  async cancel(organizationId: string, id: string): Promise<PaymentRequest> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.lock(manager, organizationId, id);
      const state = stateOf(request);
      switch (cancelOutcome(state)) {
        case 'already_cancelled':
          return request;
        case 'refused':
          throw paymentRequestNotEditable(state.status);
        case 'cancel':
          request.cancelledAt = new Date();
          settle(request);
          return this.repository.save(manager, request);
      }
    });
  }

  /**
   * Makes a confirmed upload the request's invoice document: the uploads module attaches it to the
   * request and gives its file, which the request keeps; the document it replaces, if any, goes back to
   * being a temporary upload. One transaction, so either all of this happens or nothing does.
   */
  async attachInvoice(organizationId: string, id: string, uploadId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // The upload is locked before the request, in the order this has always taken its locks.
      const document = await this.uploads.attach(manager, organizationId, uploadId, id);
      const request = await this.lock(manager, organizationId, id);
      const state = stateOf(request);
      if (!canAttachDocument(state)) throw paymentRequestNotEditable(state.status);
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
    const request = await this.get(organizationId, id);
    if (!request.invoiceKey || !request.invoiceFileName || !request.invoiceMimeType)
      throw invoiceNotAttached();
    return this.uploads.fileUrl(request.invoiceKey, request.invoiceFileName, request.invoiceMimeType);
  }

  private async lock(manager: EntityManager, organizationId: string, id: string): Promise<PaymentRequest> {
    const request = await this.repository.lockForUpdate(manager, organizationId, id);
    if (!request) throw paymentRequestNotFound();
    return request;
  }
}

/**
 * The request's state, read under its row lock. It has no charges yet: seed 004's charges (issue 10,
 * the step after this one) are read here, in the same transaction, and passed to paymentState.
 */
function stateOf(request: PaymentRequest): PaymentState {
  return paymentState({
    total: request.amount,
    currency: request.currency,
    charges: [],
    cancelledAt: request.cancelledAt,
  });
}

/** Writes the derived status and paid time on the row, where lists filter by them. */
function settle(request: PaymentRequest): void {
  const state = stateOf(request);
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
