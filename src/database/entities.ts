import { DomainEventRow } from '../events/domain-event.entity.js';
import { IdempotencyKey } from '../common/idempotency/idempotency-key.entity.js';
import { Affectation } from '../modules/affectations/affectation.entity.js';
import { ApiKey } from '../modules/auth/api-key.entity.js';
import { Organization } from '../modules/auth/organization.entity.js';
import { CheckoutInvoice } from '../modules/checkout/checkout-invoice.entity.js';
import { CheckoutStore } from '../modules/checkout/checkout-store.entity.js';
import { LightningDevInvoice } from '../modules/lightning/dev/dev-invoice.entity.js';
import { LightningPayment } from '../modules/lightning-payments/lightning-payment.entity.js';
import { PayToUploadInvoice } from '../modules/pay-to-upload/pay-to-upload-invoice.entity.js';
import { Charge } from '../modules/payment-requests/charge.entity.js';
import { PaymentRequest } from '../modules/payment-requests/payment-request.entity.js';
import { RateQuoteRow } from '../modules/rates/rate-quote.entity.js';
import { BankAccount } from '../modules/bank/bank-account.entity.js';
import { BankOperation } from '../modules/bank/bank-operation.entity.js';
import { Receipt } from '../modules/receipts/receipt.entity.js';
import { InvoiceUpload } from '../modules/uploads/invoice-upload.entity.js';
import { SignedUrlUse } from '../storage/signed-url-use.entity.js';
import { WebhookDelivery } from '../modules/webhooks/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../modules/webhooks/webhook-endpoint.entity.js';
import { ChainWatchState } from '../modules/checkout/watcher/chain-watch-state.entity.js';
import { AppSetting } from './app-setting.entity.js';

/** Every entity, for the app's DataSource and the migration scripts (which have no Nest modules). */
export const ENTITIES = [
  AppSetting,
  IdempotencyKey,
  DomainEventRow,
  SignedUrlUse,
  Organization,
  ApiKey,
  Receipt,
  PaymentRequest,
  Charge,
  InvoiceUpload,
  BankAccount,
  BankOperation,
  Affectation,
  WebhookEndpoint,
  WebhookDelivery,
  RateQuoteRow,
  CheckoutStore,
  CheckoutInvoice,
  LightningDevInvoice,
  ChainWatchState,
  PayToUploadInvoice,
  LightningPayment,
];
