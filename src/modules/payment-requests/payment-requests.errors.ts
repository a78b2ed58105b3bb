import { DomainError } from '../../common/errors/domain-error.js';
import { amountMessage } from '../../common/money/money.validators.js';

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

/** A request made by another resource (a checkout invoice) keeps the terms it was quoted on. */
export const paymentRequestTermsFixed = (origin: string) =>
  new DomainError(
    'conflict',
    'PAYMENT_REQUEST_TERMS_FIXED',
    `This payment request belongs to a ${origin} invoice, priced on its amount: its terms cannot change and it cannot be deleted (cancel it instead)`,
    { origin },
  );

export const unknownCurrency = (currency: string) =>
  new DomainError(
    'unprocessable',
    'VALIDATION_FAILED',
    `currency must be an active ISO 4217 code or BTC, got ${currency}`,
    [
      {
        field: 'currency',
        messages: ['currency must be an active ISO 4217 currency code such as EUR, or BTC'],
      },
    ],
  );

export const invalidAmount = (currency: string) =>
  new DomainError('unprocessable', 'VALIDATION_FAILED', amountMessage('amount', currency), [
    { field: 'amount', messages: [amountMessage('amount', currency)] },
  ]);

export const invoiceNotAttached = () =>
  new DomainError('not_found', 'INVOICE_NOT_FOUND', 'No invoice is attached to this payment request');

export const chargeNotFound = () => new DomainError('not_found', 'CHARGE_NOT_FOUND', 'Charge not found');

/** Money records do not vanish: a request that received money is cancelled, not deleted. */
export const invoiceHasCharges = (count: number) =>
  new DomainError(
    'conflict',
    'INVOICE_HAS_CHARGES',
    'An invoice with charges cannot be deleted: delete its charges or cancel it instead',
    { charges: count },
  );

export const paymentRequestHasPayments = () =>
  new DomainError(
    'conflict',
    'PAYMENT_REQUEST_HAS_PAYMENTS',
    'A payment request for which a Lightning invoice was issued cannot be deleted: cancel it instead',
  );

/** bitcoin and lightning charges are recorded by their payment method only (the chain watcher…). */
export const externalChargeByHand = (chargeType: string) => {
  const message = `chargeType ${chargeType} is recorded only by its payment method (the chain watcher, the Lightning backend), not by hand`;
  return new DomainError('unprocessable', 'VALIDATION_FAILED', message, [
    { field: 'chargeType', messages: [message] },
  ]);
};

/** A payment method's charge is a record of money on a chain: it is voided by its method, never deleted. */
export const chargeNotDeletable = (chargeType: string) =>
  new DomainError(
    'conflict',
    'CHARGE_NOT_DELETABLE',
    `A ${chargeType} charge is recorded by its payment method and cannot be deleted`,
    { chargeType },
  );
