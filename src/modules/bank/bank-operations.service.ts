import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { writeWithin, type WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { isZeroAmount } from '../../common/money/money.js';
import { encodeCursor, readCursor } from '../../common/pagination/cursor.js';
import { BankAccountsService } from './bank-accounts.service.js';
import type { BankOperation, JustificationState } from './bank-operation.entity.js';
import { BankOperationsRepository, type BankOperationFilter } from './bank-operations.repository.js';
import {
  bankOperationHasAffectations,
  bankOperationNotFound,
  bankOperationNotPending,
} from './bank.errors.js';

const OPERATION_SORT = '-date';

/** What the affectations module records on a line, under the lock it took with `lockForAffectation`. */
export interface JustificationUpdate {
  justifiedAmount: string;
  justification: JustificationState;
  justificationComment: string | null;
}

/** Bank operations: the lines of the accounts. Exported to the affectations module. */
@Injectable()
export class BankOperationsService {
  constructor(
    private readonly repository: BankOperationsRepository,
    private readonly accounts: BankAccountsService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A pending ("EN COURS") line entered by hand; a statement line that matches it later confirms it. */
  /** `withinWrite` runs in the INSERT's transaction (an Idempotency-Key's response is stored there). */
  async createPending(
    organizationId: string,
    input: { bankAccountId: string; date: string; valueDate?: string; label: string; amount: string },
    withinWrite?: WithinWrite<BankOperation>,
  ): Promise<BankOperation> {
    await this.accounts.get(organizationId, input.bankAccountId);
    const operation: Partial<BankOperation> = {
      organizationId,
      bankAccountId: input.bankAccountId,
      source: 'pending',
      date: input.date,
      valueDate: input.valueDate ?? null,
      label: input.label,
      amount: input.amount,
      externalId: null,
      justifiedAmount: '0.00',
      justification: 'missing',
      justificationComment: null,
      confirmedAt: null,
    };
    return writeWithin(this.dataSource, withinWrite, (manager) => this.repository.insert(operation, manager));
  }

  async get(organizationId: string, id: string): Promise<BankOperation> {
    const operation = await this.repository.findOneForOrganization(organizationId, id);
    if (!operation) throw bankOperationNotFound();
    return operation;
  }

  async list(
    organizationId: string,
    filter: BankOperationFilter,
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: BankOperation[]; nextCursor: string | null }> {
    let before: { date: string; id: string } | undefined;
    if (page.cursor) {
      const position = readCursor(page.cursor, { sort: OPERATION_SORT, value: 'date', id: 'uuid' });
      before = { date: position.value, id: position.id };
    }
    const { rows, hasMore } = await this.repository.findPageForOrganization(organizationId, filter, {
      limit: page.limit,
      before,
    });
    const last = rows.at(-1);
    return {
      rows,
      nextCursor:
        hasMore && last ? encodeCursor({ sort: OPERATION_SORT, value: last.date, id: last.id }) : null,
    };
  }

  /** Only a pending line that justifies nothing may go: statement lines are the bank's record. */
  async deletePending(organizationId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const operation = await this.repository.lockForUpdate(manager, organizationId, id);
      if (!operation) throw bankOperationNotFound();
      if (operation.source !== 'pending') throw bankOperationNotPending();
      if (!isZeroAmount(operation.justifiedAmount)) throw bankOperationHasAffectations();
      await this.repository.delete(manager, operation);
    });
  }

  // --- for the affectations module ---

  /** The line, locked until the transaction ends; 404 for another organization's. */
  async lockForAffectation(
    manager: EntityManager,
    organizationId: string,
    id: string,
  ): Promise<BankOperation> {
    const operation = await this.repository.lockForUpdate(manager, organizationId, id);
    if (!operation) throw bankOperationNotFound();
    return operation;
  }

  /** The line, locked until the transaction ends; null when it is gone. */
  lockIfPresent(manager: EntityManager, organizationId: string, id: string): Promise<BankOperation | null> {
    return this.repository.lockForUpdate(manager, organizationId, id);
  }

  async recordJustification(
    manager: EntityManager,
    operation: BankOperation,
    update: JustificationUpdate,
  ): Promise<BankOperation> {
    operation.justifiedAmount = update.justifiedAmount;
    operation.justification = update.justification;
    operation.justificationComment = update.justificationComment;
    return this.repository.save(manager, operation);
  }

  findToJustify(
    organizationId: string,
    filter: Pick<BankOperationFilter, 'bankAccountId' | 'dateFrom' | 'dateTo'>,
    limit: number,
  ): Promise<BankOperation[]> {
    return this.repository.findToJustify(organizationId, filter, limit);
  }

  findByIds(organizationId: string, ids: string[]): Promise<BankOperation[]> {
    return this.repository.findByIds(organizationId, ids);
  }
}
