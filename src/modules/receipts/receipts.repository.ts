import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { ReceiptListQuery, ReceiptSortField } from './receipt-list-query.js';
import { Receipt } from './receipt.entity.js';

const SORT_COLUMNS: Record<
  ReceiptSortField,
  { column: string; cursorValue: (r: Receipt) => string | number }
> = {
  id: { column: 'r.id', cursorValue: (r) => r.id },
  created_at: { column: 'r.created_at', cursorValue: (r) => r.createdAt.toISOString() },
  operation_date: { column: 'r.operation_date', cursorValue: (r) => r.operationDate.toISOString() },
  amount: { column: 'r.amount', cursorValue: (r) => r.amount },
  amount_with_vat: { column: 'r.amount_with_vat', cursorValue: (r) => r.amountWithVat },
};

/** The same expression as the trigram index IDX_receipts_search_trgm, so that `q` can use it. */
const SEARCH_EXPRESSION = `(r.label || ' ' || r.reference || ' ' || r.name)`;

@Injectable()
export class ReceiptsRepository {
  constructor(@InjectRepository(Receipt) private readonly receipts: Repository<Receipt>) {}

  findOneForOrganization(organizationId: string, id: number): Promise<Receipt | null> {
    return this.receipts.findOne({ where: { organizationId, id } });
  }

  findByKeyForOrganization(organizationId: string, receiptKey: string): Promise<Receipt | null> {
    return this.receipts.findOne({ where: { organizationId, receiptKey } });
  }

  findByKey(receiptKey: string): Promise<Receipt | null> {
    return this.receipts.findOne({ where: { receiptKey } });
  }

  /** Locks the row for the rest of the transaction, so concurrent updates apply one after the other. */
  lockForUpdate(manager: EntityManager, organizationId: string, id: number): Promise<Receipt | null> {
    return manager
      .getRepository(Receipt)
      .findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  /** One page by keyset on (sort column, id), served by an (organization_id, column, id) index. */
  async findPageForOrganization(
    organizationId: string,
    query: ReceiptListQuery,
  ): Promise<{ rows: Receipt[]; hasMore: boolean; cursorValue: (r: Receipt) => string | number }> {
    const sort = SORT_COLUMNS[query.sort.field];
    const dir = query.sort.direction;
    const qb = this.receipts
      .createQueryBuilder('r')
      .where('r.organization_id = :organizationId', { organizationId });

    if (query.type) qb.andWhere('r.type = :type', { type: query.type });
    if (query.status !== undefined) qb.andWhere('r.status = :status', { status: query.status });
    if (query.operationDateFrom)
      qb.andWhere('r.operation_date >= :odFrom', { odFrom: query.operationDateFrom });
    if (query.operationDateTo) qb.andWhere('r.operation_date <= :odTo', { odTo: query.operationDateTo });
    if (query.createdAtFrom) qb.andWhere('r.created_at >= :caFrom', { caFrom: query.createdAtFrom });
    if (query.createdAtTo) qb.andWhere('r.created_at <= :caTo', { caTo: query.createdAtTo });
    if (query.amountMin) qb.andWhere('r.amount >= :aMin', { aMin: query.amountMin });
    if (query.amountMax) qb.andWhere('r.amount <= :aMax', { aMax: query.amountMax });
    if (query.amountWithVatMin) qb.andWhere('r.amount_with_vat >= :avMin', { avMin: query.amountWithVatMin });
    if (query.amountWithVatMax) qb.andWhere('r.amount_with_vat <= :avMax', { avMax: query.amountWithVatMax });
    if (query.q) qb.andWhere(`${SEARCH_EXPRESSION} ILIKE :q`, { q: `%${escapeLike(query.q)}%` });

    if (query.cursor) {
      const op = dir === 'DESC' ? '<' : '>';
      if (query.sort.field === 'id') {
        qb.andWhere(`r.id ${op} :cursorId`, { cursorId: query.cursor.id });
      } else {
        qb.andWhere(`(${sort.column}, r.id) ${op} (:cursorValue, :cursorId)`, {
          cursorValue: query.cursor.value,
          cursorId: query.cursor.id,
        });
      }
    }
    if (query.sort.field !== 'id') qb.orderBy(sort.column, dir);
    qb.addOrderBy('r.id', dir).limit(query.limit + 1);

    const rows = await qb.getMany();
    const hasMore = rows.length > query.limit;
    return { rows: hasMore ? rows.slice(0, query.limit) : rows, hasMore, cursorValue: sort.cursorValue };
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
