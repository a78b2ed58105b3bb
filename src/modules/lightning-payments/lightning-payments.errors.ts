import { DomainError } from '../../common/errors/domain-error.js';

/** A cancelled request takes no new payment (a payment already on its way is still recorded). */
export const paymentRequestNotPayable = (status: string) =>
  new DomainError(
    'conflict',
    'PAYMENT_REQUEST_NOT_PAYABLE',
    `A ${status} payment request takes no new payment`,
    { status },
  );

/** Nothing left to ask: paid, or what is still due is already on its way (a pending charge). */
export const nothingDue = (amountDue: string, amountPending: string, currency: string) =>
  new DomainError(
    'conflict',
    'PAYMENT_REQUEST_NOTHING_DUE',
    `Nothing is due on this payment request (due ${amountDue} ${currency}, of which ${amountPending} ${currency} pending)`,
    { amountDue, amountPending, currency },
  );
