import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { ReceiptListQuery, ReceiptSortField } from './receipt-list-query.js';
import { Receipt, type ReceiptType } from './receipt.entity.js';

/** A receipt that could justify a bank operation, as the suggestions score it. */
export interface ReceiptCandidate {
  id: number;
  label: string;
  reference: string;
  type: ReceiptType;
  amountWithVat: string;
  operationDate: Date;
  /** `operationDate`'s day in the criteria's time zone, `YYYY-MM-DD`. */
  operationDay: string;
}

/** Where to look for candidates of one bank operation. */
export interface CandidateCriteria {
  /** |operation amount| and what is left to justify on it. */
  amounts: string[];
  /** Midnight of the operation's day. */
  around: Date;
  /** Days each side of `around` for receipts of any amount. */
  windowDays: number;
  /** Words of the bank label that may be a receipt's reference, lower case. */
  referenceTokens: string[];
  /** At most this many from each source (amount, date window, reference). */
  perSource: number;
  /** The time zone `operationDay` is given in (APP_TIMEZONE). */
  timeZone: string;
}

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

  /** Sets or clears what an affectation shows on the receipt; false when the row was not in that state. */
  async setAffectation(
    manager: EntityManager,
    organizationId: string,
    id: number,
    change: { affectationId: number | null; operationDate?: Date },
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Receipt)
      .set({
        status: change.affectationId !== null,
        affectationId: change.affectationId,
        ...(change.operationDate ? { operationDate: change.operationDate } : {}),
      })
      .where('organization_id = :organizationId AND id = :id', { organizationId, id })
      .andWhere(change.affectationId === null ? 'affectation_id IS NOT NULL' : 'affectation_id IS NULL')
      .execute();
    return result.affected === 1;
  }

  /** The operation date of receipts whose affectations' bank line changed date. */
  async setOperationDateOfAffected(
    manager: EntityManager,
    organizationId: string,
    affectationIds: number[],
    operationDate: Date,
  ): Promise<void> {
    if (affectationIds.length === 0) return;
    await manager
      .createQueryBuilder()
      .update(Receipt)
      .set({ operationDate })
      .where('organization_id = :organizationId AND affectation_id IN (:...affectationIds)', {
        organizationId,
        affectationIds,
      })
      .execute();
  }

  candidates(organizationId: string, criteria: CandidateCriteria): Promise<ReceiptCandidate[]> {
    return findCandidates(this.receipts.manager, organizationId, criteria);
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

    // Raw rows mapped by hand: hydrating 50 entities through TypeORM was a tenth of a list's CPU.
    const raw = await qb.select(LIST_COLUMNS).getRawMany<ListRow>();
    const rows = raw.map(toListedReceipt);
    const hasMore = rows.length > query.limit;
    return { rows: hasMore ? rows.slice(0, query.limit) : rows, hasMore, cursorValue: sort.cursorValue };
  }
}

/**
 * Unaffected receipts that may justify an operation, from three index lookups (never a scan of the
 * organization's receipts): the same TTC amount (IDX_receipts_org_amount_with_vat), the amounts closest to
 * it among the unaffected receipts dated near the operation (an index-only scan of the partial covering
 * index IDX_receipts_unaffected_operation_date, then the chosen rows by primary key), a reference found
 * in the bank label (IDX_receipts_org_reference_lower). Each source is bounded; the caller scores the union.
 * Exported for the suggestions bench, which EXPLAINs it.
 */
export function candidatesQuery(
  organizationId: string,
  criteria: CandidateCriteria,
): { sql: string; params: unknown[] } {
  const columns =
    `r.id, r.label, r.reference, r.type, r.amount_with_vat::text AS amount_with_vat, r.operation_date, ` +
    `to_char(r.operation_date AT TIME ZONE $7, 'YYYY-MM-DD') AS operation_day`;
  return {
    sql: `SELECT * FROM (
       (SELECT ${columns} FROM receipts r
         WHERE r.organization_id = $1 AND r.amount_with_vat = ANY($2::numeric[]) AND r.affectation_id IS NULL
         ORDER BY abs(extract(epoch FROM r.operation_date - $3::timestamptz)), r.id
         LIMIT $6)
       UNION
       (SELECT ${columns} FROM receipts r
         WHERE r.organization_id = $1 AND r.id IN (
           SELECT w.id FROM receipts w
            WHERE w.organization_id = $1 AND w.affectation_id IS NULL
              AND w.operation_date BETWEEN $3::timestamptz - make_interval(days => $4)
                                       AND $3::timestamptz + make_interval(days => $4)
            ORDER BY abs(w.amount_with_vat - ($2::numeric[])[1]), w.id
            LIMIT $6))
       UNION
       (SELECT ${columns} FROM receipts r
         WHERE r.organization_id = $1 AND lower(r.reference) = ANY($5::text[]) AND r.affectation_id IS NULL
         ORDER BY r.id DESC
         LIMIT $6)
     ) c`,
    params: [
      organizationId,
      criteria.amounts,
      criteria.around,
      criteria.windowDays,
      criteria.referenceTokens,
      criteria.perSource,
      criteria.timeZone,
    ],
  };
}

async function findCandidates(
  manager: EntityManager,
  organizationId: string,
  criteria: CandidateCriteria,
): Promise<ReceiptCandidate[]> {
  const { sql, params } = candidatesQuery(organizationId, criteria);
  const rows: {
    id: number;
    label: string;
    reference: string;
    type: ReceiptType;
    amount_with_vat: string;
    operation_date: Date;
    operation_day: string;
  }[] = await manager.query(sql, params);
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    reference: r.reference,
    type: r.type,
    amountWithVat: r.amount_with_vat,
    operationDate: r.operation_date,
    operationDay: r.operation_day,
  }));
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The columns a listed receipt needs (the presenter's), selected under their own names. */
const LIST_COLUMNS = [
  'r.id AS id',
  'r.label AS label',
  'r.type AS type',
  'r.amount AS amount',
  'r.amount_with_vat AS amount_with_vat',
  'r.vat AS vat',
  'r.vat_value AS vat_value',
  'r.reference AS reference',
  'r.comment AS comment',
  'r.operation_date AS operation_date',
  'r.created_at AS created_at',
  'r.name AS name',
  'r.status AS status',
  'r.affectation_id AS affectation_id',
  'r.receipt_key AS receipt_key',
];

interface ListRow {
  id: number;
  label: string;
  type: Receipt['type'];
  amount: string;
  amount_with_vat: string;
  vat: string | null;
  vat_value: string | null;
  reference: string;
  comment: string | null;
  operation_date: Date;
  created_at: Date;
  name: string;
  status: boolean;
  affectation_id: number | null;
  receipt_key: string | null;
}

function toListedReceipt(row: ListRow): Receipt {
  return Object.assign(new Receipt(), {
    id: row.id,
    label: row.label,
    type: row.type,
    amount: row.amount,
    amountWithVat: row.amount_with_vat,
    vat: row.vat,
    vatValue: row.vat_value,
    reference: row.reference,
    comment: row.comment,
    operationDate: row.operation_date,
    createdAt: row.created_at,
    name: row.name,
    status: row.status,
    affectationId: row.affectation_id,
    receiptKey: row.receipt_key,
  });
}
