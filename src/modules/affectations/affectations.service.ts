import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { startOfDayIn } from '../../common/dates/calendar-date.js';
import type { WithinWrite } from '../../common/idempotency/idempotency-claim.js';
import { DomainEvents } from '../../events/domain-events.js';
import {
  addAmounts,
  compareAmounts,
  maxAmount,
  normalizeAmount,
  subtractAmounts,
} from '../../common/money/money.js';
import { encodeCursor, readCursor } from '../../common/pagination/cursor.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { BankOperation, ManualJustificationState } from '../bank/bank-operation.entity.js';
import { BankOperationsService } from '../bank/bank-operations.service.js';
import { BANK_OPERATION_DATE_CHANGED } from '../bank/bank.events.js';
import { missingAmount } from '../bank/bank.presenter.js';
import { ReceiptsService } from '../receipts/receipts.service.js';
import type { Affectation, AffectationOrigin } from './affectation.entity.js';
import {
  affectationNotFound,
  amountExceedsReceipt,
  amountExceedsRemaining,
  operationAlreadyJustified,
  receiptAlreadyAffected,
} from './affectations.errors.js';
import { AffectationsRepository } from './affectations.repository.js';
import { computedJustification, nextJustification } from './justification.js';

export interface NewAffectation {
  receiptId: number;
  bankOperationId: string;
  /** Default: the receipt's TTC amount. */
  amount?: string;
}

const AFFECTATION_SORT = '-id';

/**
 * Ties receipts to bank operations. Every change touches three tables (affectations, the receipt, the
 * operation's justification) in one transaction, locking the operation, then the receipt.
 */
@Injectable()
export class AffectationsService implements OnModuleInit {
  constructor(
    private readonly repository: AffectationsRepository,
    private readonly operations: BankOperationsService,
    private readonly receipts: ReceiptsService,
    private readonly events: DomainEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // A pending line confirmed by a statement line dated differently: its receipts take the new date.
    this.events.subscribe({
      name: 'affectations.follow-operation-date',
      types: [BANK_OPERATION_DATE_CHANGED],
      handle: ({ organizationId, payload }) => this.followOperationDate(organizationId, payload.operationId),
    });
  }

  /** `withinWrite` runs in the affectation's transaction (an Idempotency-Key's response is stored there). */
  create(
    organizationId: string,
    input: NewAffectation,
    origin: AffectationOrigin = 'manual',
    withinWrite?: WithinWrite<Affectation>,
  ): Promise<Affectation> {
    return this.dataSource.transaction(async (manager) => {
      const affectation = await this.createIn(manager, organizationId, input, origin);
      if (withinWrite) await withinWrite(manager, affectation);
      return affectation;
    });
  }

  async get(organizationId: string, id: number): Promise<Affectation> {
    const affectation = await this.repository.findOneForOrganization(organizationId, id);
    if (!affectation) throw affectationNotFound();
    return affectation;
  }

  async list(
    organizationId: string,
    filter: { bankOperationId?: string; receiptId?: number },
    page: { limit: number; cursor?: string },
  ): Promise<{ rows: Affectation[]; nextCursor: string | null }> {
    let beforeId: number | undefined;
    if (page.cursor) {
      beforeId = readCursor(page.cursor, { sort: AFFECTATION_SORT, value: 'none', id: 'int' }).id;
    }
    const { rows, hasMore } = await this.repository.findPageForOrganization(organizationId, filter, {
      limit: page.limit,
      beforeId,
    });
    const last = rows.at(-1);
    return {
      rows,
      nextCursor: hasMore && last ? encodeCursor({ sort: AFFECTATION_SORT, value: null, id: last.id }) : null,
    };
  }

  /** Undoes an affectation: the receipt is unaffected (its earlier operation date back), the line less justified. */
  async delete(organizationId: string, id: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const affectation = await this.repository.lockForUpdate(manager, organizationId, id);
      if (!affectation) throw affectationNotFound();
      const operation = await this.operations.lockForAffectation(
        manager,
        organizationId,
        affectation.bankOperationId,
      );
      await this.receipts.clearAffectation(
        manager,
        organizationId,
        affectation.receiptId,
        affectation.receiptPreviousOperationDate,
      );
      await this.repository.delete(manager, affectation);
      const justified = maxAmount(subtractAmounts(operation.justifiedAmount, affectation.amount), '0');
      await this.operations.recordJustification(manager, operation, {
        justifiedAmount: justified,
        justification: nextJustification(operation.justification, operation.amount, justified),
        justificationComment: operation.justificationComment,
      });
    });
  }

  /** A person says this line needs no receipt, or that its receipt is lost, and why. */
  setManualJustification(
    organizationId: string,
    operationId: string,
    state: ManualJustificationState,
    comment: string,
  ): Promise<BankOperation> {
    return this.dataSource.transaction(async (manager) => {
      const operation = await this.operations.lockForAffectation(manager, organizationId, operationId);
      if (computedJustification(operation.amount, operation.justifiedAmount) === 'justified') {
        throw operationAlreadyJustified();
      }
      return this.operations.recordJustification(manager, operation, {
        justifiedAmount: operation.justifiedAmount,
        justification: state,
        justificationComment: comment,
      });
    });
  }

  /** Back to the state the affectations give. Harmless when no state was set by hand. */
  clearManualJustification(organizationId: string, operationId: string): Promise<BankOperation> {
    return this.dataSource.transaction(async (manager) => {
      const operation = await this.operations.lockForAffectation(manager, organizationId, operationId);
      return this.operations.recordJustification(manager, operation, {
        justifiedAmount: operation.justifiedAmount,
        justification: computedJustification(operation.amount, operation.justifiedAmount),
        justificationComment: null,
      });
    });
  }

  private async createIn(
    manager: EntityManager,
    organizationId: string,
    input: NewAffectation,
    origin: AffectationOrigin,
  ): Promise<Affectation> {
    const operation = await this.operations.lockForAffectation(
      manager,
      organizationId,
      input.bankOperationId,
    );
    const receipt = await this.receipts.lockForAffectation(manager, organizationId, input.receiptId);
    if (receipt.affectationId !== null) throw receiptAlreadyAffected(receipt.affectationId);

    const ttc = normalizeAmount(receipt.amountWithVat);
    const amount = input.amount ?? ttc;
    if (compareAmounts(amount, ttc) > 0) throw amountExceedsReceipt(amount, ttc);
    const remaining = missingAmount(operation);
    if (compareAmounts(amount, remaining) > 0) throw amountExceedsRemaining(amount, remaining);

    const affectation = await this.repository.insert(manager, {
      organizationId,
      receiptId: receipt.id,
      bankOperationId: operation.id,
      amount,
      receiptPreviousOperationDate: receipt.operationDate,
      origin,
    });
    await this.receipts.markAffected(
      manager,
      organizationId,
      receipt.id,
      affectation.id,
      startOfDayIn(operation.date, this.config.appTimezone),
    );
    const justified = addAmounts(operation.justifiedAmount, amount);
    await this.operations.recordJustification(manager, operation, {
      justifiedAmount: justified,
      justification: nextJustification(operation.justification, operation.amount, justified),
      justificationComment: operation.justificationComment,
    });
    return affectation;
  }

  /**
   * The receipts affected to the line take its date as it is now, not as the event said: two changes
   * delivered out of order, or one delivered twice, end on the line's last date all the same.
   */
  private async followOperationDate(organizationId: string, operationId: string): Promise<{ moved: number }> {
    return this.dataSource.transaction(async (manager) => {
      const operation = await this.operations.lockIfPresent(manager, organizationId, operationId);
      if (!operation) return { moved: 0 };
      const ids = await this.repository.idsForOperation(manager, organizationId, operationId);
      await this.receipts.moveAffectedOperationDate(
        manager,
        organizationId,
        ids,
        startOfDayIn(operation.date, this.config.appTimezone),
      );
      return { moved: ids.length };
    });
  }
}
