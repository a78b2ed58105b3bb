import { absAmount, maxAmount, subtractAmounts } from '../../common/money/money.js';
import type { BankAccount } from './bank-account.entity.js';
import type { BankOperation } from './bank-operation.entity.js';
import type { BankAccountDto } from './dto/bank-account.dto.js';
import type { BankOperationDto } from './dto/bank-operation.dto.js';

export function presentBankAccount(account: BankAccount): BankAccountDto {
  return {
    id: account.id,
    name: account.name,
    iban: account.iban,
    currency: account.currency,
    createdAt: account.createdAt.toISOString(),
  };
}

export function presentBankOperation(operation: BankOperation): BankOperationDto {
  return {
    id: operation.id,
    bankAccountId: operation.bankAccountId,
    source: operation.source,
    date: operation.date,
    valueDate: operation.valueDate,
    label: operation.label,
    amount: operation.amount,
    externalId: operation.externalId,
    justification: operation.justification,
    justifiedAmount: operation.justifiedAmount,
    missingAmount: missingAmount(operation),
    justificationComment: operation.justificationComment,
    confirmedAt: operation.confirmedAt?.toISOString() ?? null,
    createdAt: operation.createdAt.toISOString(),
    updatedAt: operation.updatedAt.toISOString(),
  };
}

/** What is left to justify: |amount| − justified, never below zero. */
export function missingAmount(operation: Pick<BankOperation, 'amount' | 'justifiedAmount'>): string {
  return maxAmount(subtractAmounts(absAmount(operation.amount), operation.justifiedAmount), '0');
}
