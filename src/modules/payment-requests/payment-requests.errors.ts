import { DomainError } from '../../common/errors/domain-error.js';

export const paymentRequestNotFound = () =>
  new DomainError('not_found', 'PAYMENT_REQUEST_NOT_FOUND', 'Payment request not found');

export const paymentRequestNotEditable = (status: string) =>
  new DomainError(
    'conflict',
    'PAYMENT_REQUEST_NOT_EDITABLE',
    `A ${status} payment request cannot be changed`,
    {
      status,
    },
  );

export const unknownCurrency = (currency: string) =>
  new DomainError(
    'unprocessable',
    'VALIDATION_FAILED',
    `currency must be an ISO 4217 code, got ${currency}`,
    [{ field: 'currency', messages: ['currency must be an ISO 4217 code'] }],
  );

export const tooManyDecimals = (currency: string, digits: number) =>
  new DomainError(
    'unprocessable',
    'VALIDATION_FAILED',
    `amount has more decimals than ${currency} allows (${digits})`,
    [{ field: 'amount', messages: [`amount must have at most ${digits} decimals in ${currency}`] }],
  );
