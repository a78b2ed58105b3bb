import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import { BankOperation, type BankOperationSource, type JustificationState } from './bank-operation.entity.js';
import type { PendingCandidate } from './import/pending-match.js';

export interface BankOperationFilter {
  bankAccountId?: string;
  dateFrom?: string;
  dateTo?: string;
  amountMin?: string;
  amountMax?: string;
  q?: string;
  source?: BankOperationSource;
  justification?: JustificationState;
}

export interface NewStatementLine {
  date: string;
  valueDate: string | null;
  label: string;
  amount: string;
  externalId: string;
}

const INSERT_CHUNK = 1000;

@Injectable()
export class BankOperationsRepository {
  constructor(@InjectRepository(BankOperation) private readonly operations: Repository<BankOperation>) {}

  insert(
    operation: Partial<BankOperation>,
    manager: EntityManager = this.operations.manager,
  ): Promise<BankOperation> {
    const repo = manager.getRepository(BankOperation);
    return repo.save(repo.create(operation));
  }

  findOneForOrganization(organizationId: string, id: string): Promise<BankOperation | null> {
    return this.operations.findOne({ where: { organizationId, id } });
  }

  /** Locks the line for the transaction: its justified amount changes one affectation at a time. */
  lockForUpdate(manager: EntityManager, organizationId: string, id: string): Promise<BankOperation | null> {
    return manager
      .getRepository(BankOperation)
      .findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } });
  }

  async save(manager: EntityManager, operation: BankOperation): Promise<BankOperation> {
    return manager.getRepository(BankOperation).save(operation);
  }

  async delete(manager: EntityManager, operation: BankOperation): Promise<void> {
    await manager
      .getRepository(BankOperation)
      .delete({ id: operation.id, organizationId: operation.organizationId });
  }

  /**
   * One page, newest first, by keyset on (operation_date, id). Each equality filter has an index that
   * ends in (operation_date, id); amounts have (organization_id, amount, id); `q` the label's trigram index.
   */
  async findPageForOrganization(
    organizationId: string,
    filter: BankOperationFilter,
    page: { limit: number; before?: { date: string; id: string } },
  ): Promise<{ rows: BankOperation[]; hasMore: boolean }> {
    const qb = this.operations
      .createQueryBuilder('o')
      .where('o.organization_id = :organizationId', { organizationId });
    if (filter.bankAccountId)
      qb.andWhere('o.bank_account_id = :accountId', { accountId: filter.bankAccountId });
    if (filter.source) qb.andWhere('o.source = :source', { source: filter.source });
    if (filter.justification) {
      qb.andWhere('o.justification = :justification', { justification: filter.justification });
    }
    if (filter.dateFrom) qb.andWhere('o.operation_date >= :dateFrom', { dateFrom: filter.dateFrom });
    if (filter.dateTo) qb.andWhere('o.operation_date <= :dateTo', { dateTo: filter.dateTo });
    if (filter.amountMin) qb.andWhere('o.amount >= :amountMin', { amountMin: filter.amountMin });
    if (filter.amountMax) qb.andWhere('o.amount <= :amountMax', { amountMax: filter.amountMax });
    if (filter.q) qb.andWhere('o.label ILIKE :q', { q: `%${escapeLike(filter.q)}%` });
    if (page.before) {
      qb.andWhere('(o.operation_date, o.id) < (:beforeDate, :beforeId)', {
        beforeDate: page.before.date,
        beforeId: page.before.id,
      });
    }
    const rows = await qb
      .orderBy('o.operation_date', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(page.limit + 1)
      .getMany();
    const hasMore = rows.length > page.limit;
    return { rows: hasMore ? rows.slice(0, page.limit) : rows, hasMore };
  }

  /** Lines still to justify (missing or partial), oldest first, for an auto-match run. */
  findToJustify(
    organizationId: string,
    filter: Pick<BankOperationFilter, 'bankAccountId' | 'dateFrom' | 'dateTo'>,
    limit: number,
  ): Promise<BankOperation[]> {
    const qb = this.operations
      .createQueryBuilder('o')
      .where('o.organization_id = :organizationId', { organizationId })
      .andWhere(`o.justification IN ('missing', 'partial')`);
    if (filter.bankAccountId)
      qb.andWhere('o.bank_account_id = :accountId', { accountId: filter.bankAccountId });
    if (filter.dateFrom) qb.andWhere('o.operation_date >= :dateFrom', { dateFrom: filter.dateFrom });
    if (filter.dateTo) qb.andWhere('o.operation_date <= :dateTo', { dateTo: filter.dateTo });
    return qb.orderBy('o.operation_date', 'ASC').addOrderBy('o.id', 'ASC').limit(limit).getMany();
  }

  findByIds(organizationId: string, ids: string[]): Promise<BankOperation[]> {
    return ids.length === 0
      ? Promise.resolve([])
      : this.operations.find({ where: { organizationId, id: In(ids) } });
  }

  // --- statement import (inside its transaction) ---

  async findKnownExternalIds(
    manager: EntityManager,
    organizationId: string,
    bankAccountId: string,
    externalIds: string[],
  ): Promise<Set<string>> {
    const rows: { external_id: string }[] = await manager.query(
      `SELECT external_id FROM bank_operations
        WHERE organization_id = $1 AND bank_account_id = $2 AND external_id = ANY($3::text[])`,
      [organizationId, bankAccountId, externalIds],
    );
    return new Set(rows.map((r) => r.external_id));
  }

  /** Pending lines of the account with one of these amounts in the date window, locked (IDX_bank_operations_pending). */
  async lockPendingLines(
    manager: EntityManager,
    bankAccountId: string,
    amounts: string[],
    window: { from: string; to: string },
  ): Promise<PendingCandidate[]> {
    const rows: { id: string; date: string; amount: string; created_at: Date }[] = await manager.query(
      `SELECT id, operation_date::text AS date, amount::text AS amount, created_at
         FROM bank_operations
        WHERE bank_account_id = $1 AND source = 'pending' AND amount = ANY($2::numeric[])
          AND operation_date BETWEEN $3 AND $4
        ORDER BY created_at, id
        FOR UPDATE`,
      [bankAccountId, amounts, window.from, window.to],
    );
    return rows.map((r) => ({ id: r.id, date: r.date, amount: r.amount, createdAt: r.created_at }));
  }

  /** The pending line becomes the statement line: same id, so its affectations stay. Returns its old date. */
  async confirmPending(manager: EntityManager, id: string, line: NewStatementLine): Promise<string> {
    const rows: { old_date: string }[] = await manager.query(
      `UPDATE bank_operations o
          SET source = 'statement', operation_date = $2, value_date = $3, label = $4, external_id = $5,
              confirmed_at = now(), updated_at = now()
         FROM (SELECT operation_date::text AS old_date FROM bank_operations WHERE id = $1) old
        WHERE o.id = $1
        RETURNING old.old_date`,
      [id, line.date, line.valueDate, line.label, line.externalId],
    );
    return rows[0].old_date;
  }

  /** Inserts the lines, skipping those whose external id the account already has. Returns the new ids. */
  async insertStatementLines(
    manager: EntityManager,
    organizationId: string,
    bankAccountId: string,
    lines: NewStatementLine[],
  ): Promise<string[]> {
    const inserted: string[] = [];
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
      const chunk = lines.slice(i, i + INSERT_CHUNK);
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO bank_operations
           (organization_id, bank_account_id, source, operation_date, value_date, label, amount, external_id)
         SELECT $1, $2, 'statement', t.d, t.vd, t.l, t.a, t.e
           FROM unnest($3::date[], $4::date[], $5::text[], $6::numeric[], $7::text[]) AS t(d, vd, l, a, e)
         ON CONFLICT (organization_id, bank_account_id, external_id) DO NOTHING
         RETURNING id`,
        [
          organizationId,
          bankAccountId,
          chunk.map((l) => l.date),
          chunk.map((l) => l.valueDate),
          chunk.map((l) => l.label),
          chunk.map((l) => l.amount),
          chunk.map((l) => l.externalId),
        ],
      );
      inserted.push(...rows.map((r) => r.id));
    }
    return inserted;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
