import type { CheckoutInvoice } from './checkout-invoice.entity.js';
import { presentCheckoutInvoice } from './checkout-invoice.presenter.js';

export const CHECKOUT_INVOICE_UPDATED = 'checkout.invoice.updated';

/** Seed 003's invoice object, exactly its fields (snake_case): what a store's callback receives. */
export interface CheckoutInvoiceCallback {
  id: string;
  store_id: string;
  amount: string;
  currency: string;
  status: string;
  success_redirect_url: string | null;
  error_redirect_url: string | null;
  created_at: string;
  updated_at: string;
  customer_email: string | null;
  btc_address: string;
  btc_amount: string;
  btc_rate: string;
  usd_amount: string;
  usd_rate: string;
}

declare module '../../events/domain-events.js' {
  interface EventPayloads {
    /** An invoice changed (a payment seen, confirmed or voided, its status): seed 003's callback object. */
    [CHECKOUT_INVOICE_UPDATED]: CheckoutInvoiceCallback;
  }
}

/** The seed's "Invoice webhook" callback object: the invoice object, without the API's extras. */
export function checkoutCallbackObject(invoice: CheckoutInvoice): CheckoutInvoiceCallback {
  const o = presentCheckoutInvoice(invoice, '');
  return {
    id: o.id,
    store_id: o.store_id,
    amount: o.amount,
    currency: o.currency,
    status: o.status,
    success_redirect_url: o.success_redirect_url,
    error_redirect_url: o.error_redirect_url,
    created_at: o.created_at,
    updated_at: o.updated_at,
    customer_email: o.customer_email,
    btc_address: o.btc_address,
    btc_amount: o.btc_amount,
    btc_rate: o.btc_rate,
    usd_amount: o.usd_amount,
    usd_rate: o.usd_rate,
  };
}
