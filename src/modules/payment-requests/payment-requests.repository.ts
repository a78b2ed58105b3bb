import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { CursorPosition } from '../../common/pagination/cursor.js';
import type { PaymentRequestStatus } from './payment-request-status.js';
import { PaymentRequest } from './payment-request.entity.js';

export interface PaymentRequestFilters {
  status?: PaymentRequestStatus;
  currency?: string;
  customerEmail?: string;
  dueDateFrom?: string;
  dueDateTo?: string;
}

@Injectable()
export class PaymentRequestsRepository {
  constructor(@InjectRepository(PaymentRequest) private readonly requests: Repository<PaymentRequest>) {}

  /** A new row, not yet saved. */
  build(fields: Partial<PaymentRequest>): PaymentRequest {
    return this.requests.create(fields);
  }

  save(manager: EntityManager, request: PaymentRequest): Promise<PaymentRequest> {
    return manager.getRepository(PaymentRequest).save(request);
  }

  findOneForOrganization(organizationId: string, id: string): Promise<PaymentRequest | null> {
    return this.requests.findOne({ where: { organizationId, id } });
  }

  lockForUpdate(manager: EntityManager, organizationId: string, id: string): Promise<PaymentRequest | null> {
    return manager
      .getRepository(PaymentRequest)
      .findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async delete(manager: EntityManager, request: PaymentRequest): Promise<void> {
    await manager
      .getRepository(PaymentRequest)
      .delete({ id: request.id, organizationId: request.organizationId });
  }

  /** Of `keys`, those an invoice document still names. */
  async invoiceKeysAmong(keys: string[]): Promise<string[]> {
    const rows: { invoice_key: string }[] = await this.requests.query(
      `SELECT invoice_key FROM payment_requests WHERE invoice_key = ANY($1::varchar[])`,
      [keys],
    );
    return rows.map((r) => r.invoice_key);
  }

  /** Newest first, keyset on (created_at, id). */
  async findPageForOrganization(
    organizationId: string,
    filters: PaymentRequestFilters,
    limit: number,
    cursor?: CursorPosition,
  ): Promise<{ rows: PaymentRequest[]; hasMore: boolean }> {
    const qb = this.requests
      .createQueryBuilder('p')
      .where('p.organization_id = :organizationId', { organizationId });
    if (filters.status) qb.andWhere('p.status = :status', { status: filters.status });
    if (filters.currency) qb.andWhere('p.currency = :currency', { currency: filters.currency });
    if (filters.customerEmail) qb.andWhere('p.customer_email = :email', { email: filters.customerEmail });
    if (filters.dueDateFrom) qb.andWhere('p.due_date >= :dueFrom', { dueFrom: filters.dueDateFrom });
    if (filters.dueDateTo) qb.andWhere('p.due_date <= :dueTo', { dueTo: filters.dueDateTo });
    if (cursor) {
      qb.andWhere('(p.created_at, p.id) < (:cursorValue, :cursorId)', {
        cursorValue: cursor.value,
        cursorId: cursor.id,
      });
    }
    const rows = await qb
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const hasMore = rows.length > limit;
    return { rows: hasMore ? rows.slice(0, limit) : rows, hasMore };
  }
}
