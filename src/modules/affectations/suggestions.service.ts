import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error.js';
import { compareAmounts, normalizeAmount } from '../../common/money/money.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { BankOperation } from '../bank/bank-operation.entity.js';
import { BankOperationsService } from '../bank/bank-operations.service.js';
import { missingAmount } from '../bank/bank.presenter.js';
import { ReceiptsService, type ReceiptCandidate } from '../receipts/receipts.service.js';
import type { Affectation } from './affectation.entity.js';
import { AffectationsService } from './affectations.service.js';
import { planAutoMatch, type LeftReason, type ScoredPair } from './auto-match.js';
import { candidateCriteria } from './candidate-criteria.js';
import { scoreMatch, type MatchScore } from './score-match.js';

export interface Suggestion extends MatchScore {
  receipt: ReceiptCandidate;
  /** What an affectation of this receipt would justify: its TTC amount, if that fits what is left. */
  fits: boolean;
}

export interface AutoMatchOptions {
  bankAccountId?: string;
  dateFrom?: string;
  dateTo?: string;
  threshold: number;
  limit: number;
  dryRun: boolean;
}

export interface AutoMatchReport {
  examined: number;
  threshold: number;
  dryRun: boolean;
  affected: {
    affectationId: number | null;
    bankOperationId: string;
    receiptId: number;
    amount: string;
    score: number;
  }[];
  left: {
    bankOperationId: string;
    reason: LeftReason | 'CHANGED_MEANWHILE';
    candidates: { receiptId: number; score: number }[];
  }[];
}

@Injectable()
export class SuggestionsService {
  constructor(
    private readonly operations: BankOperationsService,
    private readonly receipts: ReceiptsService,
    private readonly affectations: AffectationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Receipts that may justify the operation, best first, each with its score and reasons. */
  async suggest(
    organizationId: string,
    operationId: string,
    limit: number,
  ): Promise<{ operation: BankOperation; suggestions: Suggestion[] }> {
    const operation = await this.operations.get(organizationId, operationId);
    return { operation, suggestions: (await this.rank(organizationId, operation)).slice(0, limit) };
  }

  /**
   * Affects the pairs that are unique and confident (see planAutoMatch) among the lines still to justify,
   * oldest first; each affectation in its own transaction, re-checked under its locks, so a line or
   * receipt changed meanwhile is reported, not forced.
   */
  async autoMatch(organizationId: string, options: AutoMatchOptions): Promise<AutoMatchReport> {
    // Only `missing` and `partial` lines: those a person marked `not_needed` or `receipt_lost` are left alone.
    const operations = await this.operations.findToJustify(
      organizationId,
      { bankAccountId: options.bankAccountId, dateFrom: options.dateFrom, dateTo: options.dateTo },
      options.limit,
    );
    const ranked = new Map<string, Suggestion[]>();
    for (const operation of operations) ranked.set(operation.id, await this.rank(organizationId, operation));

    const pairs: ScoredPair[] = [...ranked].flatMap(([operationId, suggestions]) =>
      suggestions
        .filter((s) => s.fits)
        .map((s) => ({ operationId, receiptId: s.receipt.id, score: s.score })),
    );
    const plan = planAutoMatch(
      operations.map((o) => o.id),
      pairs,
      options.threshold,
    );
    const top = (operationId: string) =>
      (ranked.get(operationId) ?? []).slice(0, 3).map((s) => ({ receiptId: s.receipt.id, score: s.score }));

    const report: AutoMatchReport = {
      examined: operations.length,
      threshold: options.threshold,
      dryRun: options.dryRun,
      affected: [],
      left: plan.left.map((l) => ({
        bankOperationId: l.operationId,
        reason: l.reason,
        candidates: top(l.operationId),
      })),
    };
    for (const pair of plan.chosen) {
      const suggestion = ranked.get(pair.operationId)!.find((s) => s.receipt.id === pair.receiptId)!;
      const amount = normalizeAmount(suggestion.receipt.amountWithVat);
      if (options.dryRun) {
        report.affected.push({
          affectationId: null,
          bankOperationId: pair.operationId,
          receiptId: pair.receiptId,
          amount,
          score: pair.score,
        });
        continue;
      }
      let affectation: Affectation;
      try {
        affectation = await this.affectations.create(
          organizationId,
          { bankOperationId: pair.operationId, receiptId: pair.receiptId },
          'auto_match',
        );
      } catch (e) {
        // Affected, deleted or re-justified by someone else since it was scored: left for a person.
        if (e instanceof DomainError) {
          report.left.push({
            bankOperationId: pair.operationId,
            reason: 'CHANGED_MEANWHILE',
            candidates: top(pair.operationId),
          });
          continue;
        }
        throw e;
      }
      report.affected.push({
        affectationId: affectation.id,
        bankOperationId: pair.operationId,
        receiptId: pair.receiptId,
        amount: affectation.amount,
        score: pair.score,
      });
    }
    return report;
  }

  private async rank(organizationId: string, operation: BankOperation): Promise<Suggestion[]> {
    const remaining = missingAmount(operation);
    const candidates = await this.receipts.affectationCandidates(
      organizationId,
      candidateCriteria(operation, remaining, this.config.appTimezone),
    );
    const matchOperation = {
      amount: operation.amount,
      date: operation.date,
      label: operation.label,
      remaining,
    };
    return candidates
      .map((receipt) => ({
        receipt,
        fits: compareAmounts(receipt.amountWithVat, remaining) <= 0,
        ...scoreMatch(matchOperation, {
          type: receipt.type,
          amountWithVat: receipt.amountWithVat,
          reference: receipt.reference,
          label: receipt.label,
          date: receipt.operationDay,
        }),
      }))
      .sort((a, b) => b.score - a.score || a.receipt.id - b.receipt.id);
  }
}
