import { DomainError } from '../../common/errors/domain-error.js';

export const affectationNotFound = () =>
  new DomainError('not_found', 'AFFECTATION_NOT_FOUND', 'Affectation not found');

export const receiptAlreadyAffected = (affectationId: number) =>
  new DomainError(
    'conflict',
    'RECEIPT_ALREADY_AFFECTED',
    `This receipt already justifies a bank operation (affectation ${affectationId}); delete that affectation first`,
    { affectationId },
  );

export const amountExceedsRemaining = (amount: string, remaining: string) =>
  new DomainError(
    'unprocessable',
    'AMOUNT_EXCEEDS_REMAINING',
    `The amount ${amount} is more than the ${remaining} left to justify on this bank operation`,
    { amount, remaining },
  );

export const amountExceedsReceipt = (amount: string, amountWithVat: string) =>
  new DomainError(
    'unprocessable',
    'AMOUNT_EXCEEDS_RECEIPT',
    `The amount ${amount} is more than the receipt's TTC amount ${amountWithVat}`,
    { amount, amountWithVat },
  );

export const operationAlreadyJustified = () =>
  new DomainError(
    'conflict',
    'BANK_OPERATION_ALREADY_JUSTIFIED',
    'Receipts justify this whole bank operation: there is nothing to mark as not needed or lost',
  );
