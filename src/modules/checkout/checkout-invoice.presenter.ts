import { formatMoney } from '../../common/money/money.js';
import { paymentUri } from './bitcoin/addresses.js';
import type { CheckoutInvoice } from './checkout-invoice.entity.js';
import type { CheckoutInvoiceDto } from './dto/checkout-invoice.dto.js';

/**
 * Seed 003's invoice object, field for field, then the extras a merchant needs. The rates and usd_amount
 * are unconstrained numerics, which PostgreSQL gives back as written: exact, no trailing zeros added.
 */
export function presentCheckoutInvoice(i: CheckoutInvoice, publicUrl: string): CheckoutInvoiceDto {
  return {
    id: i.id,
    store_id: i.storeId,
    amount: formatMoney(i.amount, i.currency),
    currency: i.currency,
    status: i.status,
    success_redirect_url: i.successRedirectUrl,
    error_redirect_url: i.errorRedirectUrl,
    created_at: i.createdAt.toISOString(),
    updated_at: i.updatedAt.toISOString(),
    customer_email: i.customerEmail,
    btc_address: i.btcAddress,
    btc_amount: formatMoney(i.btcAmount, 'BTC'),
    btc_rate: i.btcRate,
    usd_amount: i.usdAmount,
    usd_rate: i.usdRate,
    expires_at: i.expiresAt.toISOString(),
    payment_url: paymentUri(i.btcAddress, formatMoney(i.btcAmount, 'BTC')),
    checkout_url: `${publicUrl}/checkout/${i.id}`,
    key_path: i.keyPath,
  };
}
