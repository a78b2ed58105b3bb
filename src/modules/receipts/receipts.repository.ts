import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type DataSource, type EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { preparedQuery } from '../../database/prepared-query.js';
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

/** A timestamp as cursors carry it: `Date.toISOString()`'s form, in SQL. */
const CURSOR_TIMESTAMP = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Each sort's column, and the SQL expression of a row's sort key as its cursor keeps it. */
const SORT_COLUMNS: Record<ReceiptSortField, { column: string; cursorValue: string }> = {
  id: { column: 'r.id', cursorValue: 'r.id' },
  created_at: { column: 'r.created_at', cursorValue: CURSOR_TIMESTAMP('r.created_at') },
  operation_date: { column: 'r.operation_date', cursorValue: CURSOR_TIMESTAMP('r.operation_date') },
  amount: { column: 'r.amount', cursorValue: 'r.amount' },
  amount_with_vat: { column: 'r.amount_with_vat', cursorValue: 'r.amount_with_vat' },
};

/** The same expression as the trigram index IDX_receipts_search_trgm, so that `q` can use it. */
const SEARCH_EXPRESSION = `(r.label || ' ' || r.reference || ' ' || r.name)`;

@Injectable()
export class ReceiptsRepository {
  /** The INSERT of `insert()`, built on first use. */
  private insertion?: { sql: string; columns: ColumnMetadata[] };

  constructor(@InjectRepository(Receipt) private readonly receipts: Repository<Receipt>) {}

  /**
   * Writes a new receipt in one INSERT … RETURNING, in autocommit, and gives it its id and timestamps.
   * The statement is built once from the entity's columns (TypeORM's insert() rebuilt it each time, a
   * twentieth of a POST /invoice's CPU) and prepared once per connection. With `manager`, in its
   * transaction instead (unprepared: a prepared statement belongs to the pool's connections).
   */
  async insert(receipt: Receipt, manager?: EntityManager): Promise<Receipt> {
    this.insertion ??= insertStatement(this.receipts.metadata.columns);
    const { sql, columns } = this.insertion;
    const values = columns.map((c) => (c.getEntityValue(receipt) as unknown) ?? null);
    type Inserted = { id: number; inserted_at: Date; updated_at: Date };
    const rows = manager
      ? await manager.query<Inserted[]>(sql, values)
      : await preparedQuery<Inserted>(this.receipts.manager.connection, sql, values);
    return Object.assign(receipt, {
      id: rows[0].id,
      insertedAt: rows[0].inserted_at,
      updatedAt: rows[0].updated_at,
    });
  }

  findOneForOrganization(organizationId: string, id: number): Promise<Receipt | null> {
    return this.receipts.findOne({ where: { organizationId, id } });
  }

  findByKeyForOrganization(organizationId: string, receiptKey: string): Promise<Receipt | null> {
    return this.receipts.findOne({ where: { organizationId, receiptKey } });
  }

  /** Of `keys`, those a receipt still names. */
  async keysAmong(keys: string[]): Promise<string[]> {
    const rows: { receipt_key: string }[] = await this.receipts.query(
      `SELECT receipt_key FROM receipts WHERE receipt_key = ANY($1::varchar[])`,
      [keys],
    );
    return rows.map((r) => r.receipt_key);
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
    return findCandidates(this.receipts.manager.connection, organizationId, criteria);
  }

  /**
   * One page by keyset on (sort column, id), served by an (organization_id, column, id) index. Written
   * as SQL and read as raw rows: a list is the API's hottest path, and building the query through
   * TypeORM, parsing timestamps into Dates and formatting them back cost more than the query itself.
   * PostgreSQL formats the dates in `timeZone` and the sort key of each row for the cursor.
   */
  async findPageForOrganization(
    organizationId: string,
    query: ReceiptListQuery,
    timeZone: string,
  ): Promise<{ rows: ListedReceipt[]; hasMore: boolean }> {
    const params: unknown[] = [organizationId, timeZone];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = ['r.organization_id = $1'];
    if (query.type) where.push(`r.type = ${param(query.type)}`);
    if (query.status !== undefined) where.push(`r.status = ${param(query.status)}`);
    if (query.operationDateFrom) where.push(`r.operation_date >= ${param(query.operationDateFrom)}`);
    if (query.operationDateTo) where.push(`r.operation_date <= ${param(query.operationDateTo)}`);
    if (query.createdAtFrom) where.push(`r.created_at >= ${param(query.createdAtFrom)}`);
    if (query.createdAtTo) where.push(`r.created_at <= ${param(query.createdAtTo)}`);
    if (query.amountMin) where.push(`r.amount >= ${param(query.amountMin)}`);
    if (query.amountMax) where.push(`r.amount <= ${param(query.amountMax)}`);
    if (query.amountWithVatMin) where.push(`r.amount_with_vat >= ${param(query.amountWithVatMin)}`);
    if (query.amountWithVatMax) where.push(`r.amount_with_vat <= ${param(query.amountWithVatMax)}`);
    if (query.q) where.push(`${SEARCH_EXPRESSION} ILIKE ${param(`%${escapeLike(query.q)}%`)}`);

    const sort = SORT_COLUMNS[query.sort.field];
    const dir = query.sort.direction;
    if (query.cursor) {
      const op = dir === 'DESC' ? '<' : '>';
      if (query.sort.field === 'id') {
        where.push(`r.id ${op} ${param(query.cursor.id)}`);
      } else {
        where.push(`(${sort.column}, r.id) ${op} (${param(query.cursor.value)}, ${param(query.cursor.id)})`);
      }
    }
    const orderBy = query.sort.field === 'id' ? `r.id ${dir}` : `${sort.column} ${dir}, r.id ${dir}`;
    const sql =
      `SELECT ${LIST_COLUMNS}, ${sort.cursorValue} AS cursor_value FROM receipts r ` +
      `WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${param(query.limit + 1)}`;

    const rows = await preparedQuery<ListedReceipt>(this.receipts.manager.connection, sql, params);
    const hasMore = rows.length > query.limit;
    return { rows: hasMore ? rows.slice(0, query.limit) : rows, hasMore };
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

/** Prepared: parsing the union took PostgreSQL a third as long as running it (0.18 vs 0.55 ms). */
async function findCandidates(
  dataSource: DataSource,
  organizationId: string,
  criteria: CandidateCriteria,
): Promise<ReceiptCandidate[]> {
  const { sql, params } = candidatesQuery(organizationId, criteria);
  const rows = await preparedQuery<{
    id: number;
    label: string;
    reference: string;
    type: ReceiptType;
    amount_with_vat: string;
    operation_date: Date;
    operation_day: string;
  }>(dataSource, sql, params);
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

/** INSERT of every column the app writes (all but the id and the row's own timestamps). */
function insertStatement(all: ColumnMetadata[]): { sql: string; columns: ColumnMetadata[] } {
  const columns = all.filter((c) => !c.isGenerated && !c.isCreateDate && !c.isUpdateDate && !c.isVirtual);
  const names = columns.map((c) => `"${c.databaseName}"`).join(', ');
  const values = columns.map((_, i) => `$${i + 1}`).join(', ');
  return {
    sql: `INSERT INTO receipts (${names}) VALUES (${values}) RETURNING id, inserted_at, updated_at`,
    columns,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * A listed receipt as the page query returns it: seed 002's fields under their own names, the dates
 * already written `YYYY-MM-DD HH:mm:ss` in the list's time zone, and the row's sort key for a cursor.
 */
export interface ListedReceipt {
  id: number;
  name: string;
  label: string;
  type: ReceiptType;
  amount: string;
  amount_with_vat: string;
  vat: string | null;
  vat_value: string | null;
  reference: string;
  comment: string | null;
  operation_date: string;
  created_at: string;
  status: boolean;
  affectation_id: number | null;
  receipt_key: string | null;
  cursor_value: string | number;
}

/** `$2` is the time zone the dates are written in. */
const LOCAL_DATE_TIME = (column: string) => `to_char(${column} AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI:SS')`;

const LIST_COLUMNS = [
  'r.id',
  'r.name',
  'r.label',
  'r.type',
  'r.amount',
  'r.amount_with_vat',
  'r.vat',
  'r.vat_value',
  'r.reference',
  'r.comment',
  `${LOCAL_DATE_TIME('r.operation_date')} AS operation_date`,
  `${LOCAL_DATE_TIME('r.created_at')} AS created_at`,
  'r.status',
  'r.affectation_id',
  'r.receipt_key',
].join(', ');
