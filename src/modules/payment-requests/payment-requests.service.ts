import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { DataSource, type EntityManager } from 'typeorm';
import { isCurrencyCode, minorUnits } from '../../common/money/currency.js';
import type { CursorPosition } from '../../common/pagination/cursor.js';
import { PaymentRequest } from './payment-request.entity.js';
import {
  paymentRequestNotEditable,
  paymentRequestNotFound,
  tooManyDecimals,
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

/** The document attached as a payment request's invoice (a confirmed upload's object). */
export interface InvoiceDocument {
  uploadId: string;
  key: string;
  fileName: string;
  mimeType: string;
  size: number;
}

@Injectable()
export class PaymentRequestsService {
  constructor(
    private readonly repository: PaymentRequestsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there). */
  async create(
    organizationId: string,
    input: Required<Pick<PaymentRequestInput, 'amount' | 'currency'>> & PaymentRequestInput,
    withinWrite?: WithinWrite<PaymentRequest>,
  ) {
    checkMoney(input.amount, input.currency);
    return writeWithin(this.dataSource, withinWrite, (manager) => {
      const repo = manager.getRepository(PaymentRequest);
      return repo.save(
        repo.create({
          organizationId,
          amount: input.amount,
          currency: input.currency,
          description: input.description ?? null,
          customerEmail: input.customerEmail ?? null,
          dueDate: input.dueDate ?? null,
          status: 'unpaid',
        }),
      );
    });
  }

  /** Of stored `keys`, those an invoice document still names (so the file storage keeps them). */
  invoiceKeysAmong(keys: string[]): Promise<string[]> {
    return this.repository.invoiceKeysAmong(keys);
  }

  async get(organizationId: string, id: string): Promise<PaymentRequest> {
    const found = await this.repository.findOneForOrganization(organizationId, id);
    if (!found) throw paymentRequestNotFound();
    return found;
  }

  list(organizationId: string, filters: PaymentRequestFilters, limit: number, cursor?: CursorPosition) {
    return this.repository.findPageForOrganization(organizationId, filters, limit, cursor);
  }

  /** Only while unpaid: a paid or cancelled request is a record, not a draft. */
  async update(organizationId: string, id: string, input: PaymentRequestInput): Promise<PaymentRequest> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.lock(manager, organizationId, id);
      if (request.status !== 'unpaid') throw paymentRequestNotEditable(request.status);
      const amount = input.amount ?? request.amount;
      const currency = input.currency ?? request.currency;
      checkMoney(amount, currency);
      request.amount = amount;
      request.currency = currency;
      if (input.description !== undefined) request.description = input.description;
      if (input.customerEmail !== undefined) request.customerEmail = input.customerEmail;
      if (input.dueDate !== undefined) request.dueDate = input.dueDate;
      return manager.getRepository(PaymentRequest).save(request);
    });
  }

  /** Cancelling twice is harmless; a paid request cannot be cancelled. */
  async cancel(organizationId: string, id: string): Promise<PaymentRequest> {
    return this.dataSource.transaction(async (manager) => {
      const request = await this.lock(manager, organizationId, id);
      if (request.status === 'cancelled') return request;
      if (request.status === 'paid') throw paymentRequestNotEditable(request.status);
      request.status = 'cancelled';
      request.cancelledAt = new Date();
      return manager.getRepository(PaymentRequest).save(request);
    });
  }

  /**
   * Sets the request's invoice document inside the caller's transaction (uploads module), and returns
   * the key of the document it replaces, if any, for the caller to release.
   */
  async attachInvoice(
    manager: EntityManager,
    organizationId: string,
    id: string,
    document: InvoiceDocument,
  ): Promise<{ replacedUploadId: string | null }> {
    const request = await this.lock(manager, organizationId, id);
    if (request.status === 'cancelled') throw paymentRequestNotEditable(request.status);
    const replacedUploadId = request.invoiceUploadId !== document.uploadId ? request.invoiceUploadId : null;
    request.invoiceUploadId = document.uploadId;
    request.invoiceKey = document.key;
    request.invoiceFileName = document.fileName;
    request.invoiceMimeType = document.mimeType;
    request.invoiceSize = String(document.size);
    request.invoiceAttachedAt = new Date();
    await manager.getRepository(PaymentRequest).save(request);
    return { replacedUploadId };
  }

  private async lock(manager: EntityManager, organizationId: string, id: string): Promise<PaymentRequest> {
    const request = await this.repository.lockForUpdate(manager, organizationId, id);
    if (!request) throw paymentRequestNotFound();
    return request;
  }
}

function checkMoney(amount: string, currency: string): void {
  if (!isCurrencyCode(currency)) throw unknownCurrency(currency);
  const digits = minorUnits(currency);
  const fraction = amount.split('.')[1] ?? '';
  if (fraction.replace(/0+$/, '').length > digits) throw tooManyDecimals(currency, digits);
}
