import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addDays } from '../../common/dates/calendar-date.js';
import { DomainEvents } from '../../events/domain-events.js';
import { BankAccountsRepository } from './bank-accounts.repository.js';
import { BankAccountsService } from './bank-accounts.service.js';
import { BankOperationsRepository, type NewStatementLine } from './bank-operations.repository.js';
import { BANK_OPERATION_DATE_CHANGED } from './bank.events.js';
import {
  bankAccountNotFound,
  statementAccountMismatch,
  statementFormatUnknown,
  statementUnreadable,
} from './bank.errors.js';
import { selectForAccount } from './import/account-check.js';
import { checkBalances, describeMismatch, type BalanceCheck } from './import/balance-check.js';
import type { CsvOptions } from './import/csv.js';
import { decodeStatement, detectStatementFormat } from './import/detect.js';
import { externalIds } from './import/external-id.js';
import { parseStatement } from './import/parse-statement.js';
import { matchPendingLines, PENDING_MATCH_DAYS } from './import/pending-match.js';
import {
  StatementParseError,
  type ImportWarningCode,
  type ParsedStatement,
  type Rejection,
  type StatementFormat,
  type StatementLine,
} from './import/statement.js';

export interface ImportWarning {
  code: ImportWarningCode;
  message: string;
}

export interface ImportReport {
  format: StatementFormat;
  created: number;
  confirmed: number;
  skipped: number;
  rejected: number;
  rejections: Rejection[];
  /** The bank operations created. */
  createdIds: string[];
  /** The pending lines the statement confirmed (same ids, now statement lines). */
  confirmedIds: string[];
  /** Null when the file states no balance. */
  balanceCheck: BalanceCheck | null;
  warnings: ImportWarning[];
}

/** At most this many rejections are listed in the report (all are counted). */
const LISTED_REJECTIONS = 100;

@Injectable()
export class StatementImportService {
  constructor(
    private readonly accounts: BankAccountsService,
    private readonly accountsRepository: BankAccountsRepository,
    private readonly operations: BankOperationsRepository,
    private readonly events: DomainEvents,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /**
   * Reads a statement file into the account's bank operations, in one transaction: lines already known
   * (by external id) are skipped, lines that confirm a pending line turn it into a statement line (same
   * id, so its affectations stay), the others are created. Imports into one account run one at a time.
   */
  async import(
    organizationId: string,
    bankAccountId: string,
    content: Buffer,
    options: { format?: StatementFormat; csv: CsvOptions },
  ): Promise<ImportReport> {
    const account = await this.accounts.get(organizationId, bankAccountId);
    const { format, parsed } = this.parse(content, options);
    const selection = selectForAccount(parsed, { iban: account.iban, currency: account.currency });
    if (selection.kind === 'mismatch') throw statementAccountMismatch(selection.found);

    const ids = externalIds(bankAccountId, format, selection.lines);
    const unique = new Map<string, StatementLine>();
    selection.lines.forEach((line, i) => {
      if (!unique.has(ids[i])) unique.set(ids[i], line);
    });
    const duplicatesInFile = selection.lines.length - unique.size;

    const outcome = await this.dataSource.transaction(async (manager) => {
      if (!(await this.accountsRepository.lockForImport(manager, organizationId, bankAccountId))) {
        throw bankAccountNotFound();
      }
      const known = await this.operations.findKnownExternalIds(manager, organizationId, bankAccountId, [
        ...unique.keys(),
      ]);
      const fresh: NewStatementLine[] = [...unique]
        .filter(([id]) => !known.has(id))
        .map(([externalId, l]) => ({
          externalId,
          date: l.date,
          valueDate: l.valueDate,
          label: l.label,
          amount: l.amount,
        }));

      const confirmations = await this.confirmPendingLines(manager, bankAccountId, fresh);
      for (const { pendingId, line } of confirmations.matched) {
        const previousDate = await this.operations.confirmPending(manager, pendingId, line);
        if (previousDate === line.date) continue;
        // Affected receipts follow their line's date (affectations subscribes).
        await this.events.record(manager, {
          type: BANK_OPERATION_DATE_CHANGED,
          organizationId,
          payload: { operationId: pendingId, previousDate, date: line.date },
        });
      }
      const createdIds = await this.operations.insertStatementLines(
        manager,
        organizationId,
        bankAccountId,
        confirmations.rest,
      );
      return {
        createdIds,
        confirmedIds: confirmations.matched.map((m) => m.pendingId),
        skipped: known.size + (confirmations.rest.length - createdIds.length),
      };
    });

    const balanceCheck = checkBalances(parsed.balances ?? [], parsed.lines, selection.belongs);
    const warnings: ImportWarning[] = [];
    if (selection.lines.length === 0 && selection.rejections.length === 0) {
      warnings.push({
        code: 'NO_OPERATION',
        message: 'The file holds no operation: it was read, and nothing was imported',
      });
    }
    if (balanceCheck?.ok === false) {
      warnings.push({ code: 'BALANCE_MISMATCH', message: describeMismatch(balanceCheck) });
    }
    return {
      format,
      created: outcome.createdIds.length,
      confirmed: outcome.confirmedIds.length,
      skipped: outcome.skipped + duplicatesInFile,
      rejected: selection.rejections.length,
      rejections: selection.rejections.slice(0, LISTED_REJECTIONS),
      createdIds: outcome.createdIds,
      confirmedIds: outcome.confirmedIds,
      balanceCheck,
      warnings,
    };
  }

  private parse(
    content: Buffer,
    options: { format?: StatementFormat; csv: CsvOptions },
  ): { format: StatementFormat; parsed: ParsedStatement } {
    const text = decodeStatement(content);
    const format = options.format ?? (text === null ? null : detectStatementFormat(text));
    if (text === null || format === null) throw statementFormatUnknown();
    try {
      return { format, parsed: parseStatement(format, text, options.csv) };
    } catch (e) {
      if (e instanceof StatementParseError) throw statementUnreadable(format, e.message, e.details);
      throw e;
    }
  }

  private async confirmPendingLines(
    manager: Parameters<BankOperationsRepository['lockPendingLines']>[0],
    bankAccountId: string,
    lines: NewStatementLine[],
  ): Promise<{ matched: { pendingId: string; line: NewStatementLine }[]; rest: NewStatementLine[] }> {
    if (lines.length === 0) return { matched: [], rest: [] };
    const dates = lines.map((l) => l.date).sort();
    const pending = await this.operations.lockPendingLines(
      manager,
      bankAccountId,
      [...new Set(lines.map((l) => l.amount))],
      {
        from: addDays(dates[0], -PENDING_MATCH_DAYS),
        to: addDays(dates[dates.length - 1], PENDING_MATCH_DAYS),
      },
    );
    if (pending.length === 0) return { matched: [], rest: lines };
    const matches = matchPendingLines(lines, pending);
    const matched: { pendingId: string; line: NewStatementLine }[] = [];
    const rest: NewStatementLine[] = [];
    lines.forEach((line, i) => {
      const pendingId = matches[i];
      if (pendingId) matched.push({ pendingId, line });
      else rest.push(line);
    });
    return { matched, rest };
  }
}
