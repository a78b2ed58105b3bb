import { DomainError } from '../../common/errors/domain-error.js';
import type { KeyProblem } from './bitcoin/extended-key.js';

export const storeNotFound = () =>
  new DomainError('not_found', 'CHECKOUT_STORE_NOT_FOUND', 'Checkout store not found');

export const checkoutInvoiceNotFound = () =>
  new DomainError('not_found', 'CHECKOUT_INVOICE_NOT_FOUND', 'Checkout invoice not found');

/** An extended key refused by bitcoin/extended-key.ts, with its reason. */
export const invalidDerivationScheme = (problem: KeyProblem, message: string) =>
  new DomainError('unprocessable', 'VALIDATION_FAILED', message, [
    {
      field: problem.startsWith('address_type') ? 'addressType' : 'derivationScheme',
      messages: [message],
      problem,
    },
  ]);

export const storeKeyInUse = () =>
  new DomainError(
    'conflict',
    'CHECKOUT_STORE_KEY_IN_USE',
    'Another store of this organization already derives its addresses from this key: two stores would hand out the same addresses',
  );

export const storeKeyLocked = (issued: number) =>
  new DomainError(
    'conflict',
    'CHECKOUT_STORE_KEY_LOCKED',
    `The store's key cannot change once it has handed out addresses (${issued}): its invoices are watched at those addresses and its index would start again. Create a new store for another key.`,
    { addressesIssued: issued },
  );

export const storeAddressesExhausted = () =>
  new DomainError(
    'conflict',
    'CHECKOUT_STORE_ADDRESSES_EXHAUSTED',
    "The store has handed out every non-hardened index of its key's receiving chain",
  );

export const currencyNotStoreCurrency = (currency: string, storeCurrency: string) =>
  new DomainError(
    'unprocessable',
    'VALIDATION_FAILED',
    `currency must be the store's settlement currency ${storeCurrency}, got ${currency}`,
    [{ field: 'currency', messages: [`currency must be ${storeCurrency}, the store's settlement currency`] }],
  );

/** The store's currency changed between pricing the invoice and taking its address: the price is stale. */
export const storeChanged = () =>
  new DomainError(
    'conflict',
    'CHECKOUT_STORE_CHANGED',
    'The store changed while the invoice was being made; retry',
  );
