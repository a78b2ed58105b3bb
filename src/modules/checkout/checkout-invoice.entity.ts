import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { PaymentRequest } from '../payment-requests/payment-request.entity.js';
import type { BitcoinNetwork } from './bitcoin/extended-key.js';
import { CheckoutStore } from './checkout-store.entity.js';

export const CHECKOUT_INVOICE_STATUSES = ['NEW', 'PAID'] as const;
export type CheckoutInvoiceStatus = (typeof CHECKOUT_INVOICE_STATUSES)[number];

/**
 * Seed 003's invoice: a payment request (same id) paid in bitcoin to one address of its store's key.
 * What it was priced at (rates, amounts) and the store's terms at the time are kept on it.
 */
@Entity({ name: 'checkout_invoices' })
@Check('CHK_checkout_invoices_status', `"status" IN ('NEW', 'PAID')`)
@Check('CHK_checkout_invoices_amount', `"amount" > 0`)
// An index is handed out once per store, whatever races.
@Index('UQ_checkout_invoices_store_index', ['storeId', 'addressIndex'], { unique: true })
@Index('IDX_checkout_invoices_store_created', ['storeId', 'createdAt', 'id'])
// The gap-limit count: the highest index that saw a payment.
@Index('IDX_checkout_invoices_store_seen', ['storeId', 'addressIndex'], {
  where: '"payment_seen_at" IS NOT NULL',
})
@Index('IDX_checkout_invoices_address', ['btcAddress'])
// The chain watcher's query (chain-watcher.service.ts): invoices within their monitoring window, and
// those with payments still short of their confirmations. Its cost follows the open invoices only.
@Index('IDX_checkout_invoices_watch_window', ['network', 'monitoringUntil'])
@Index('IDX_checkout_invoices_watch_pending', ['network'], { where: '"pending_sats" > 0' })
export class CheckoutInvoice {
  /** The payment request's id. */
  @PrimaryColumn('uuid')
  id: string;

  @OneToOne(() => PaymentRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'id' })
  paymentRequest?: PaymentRequest;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'store_id', type: 'uuid' })
  storeId: string;

  @ManyToOne(() => CheckoutStore, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'store_id' })
  store?: CheckoutStore;

  /** In the settlement currency, at its scale. */
  @Column({ type: 'numeric' })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 8, default: 'NEW' })
  status: CheckoutInvoiceStatus;

  @Column({ name: 'customer_email', type: 'varchar', length: 254, nullable: true })
  customerEmail: string | null;

  @Column({ name: 'success_redirect_url', type: 'varchar', length: 2048, nullable: true })
  successRedirectUrl: string | null;

  @Column({ name: 'error_redirect_url', type: 'varchar', length: 2048, nullable: true })
  errorRedirectUrl: string | null;

  @Column({ name: 'btc_address', type: 'varchar', length: 100 })
  btcAddress: string;

  /** n of …/0/n. */
  @Column({ name: 'address_index', type: 'integer' })
  addressIndex: number;

  /** Relative to the store's key: "0/n". */
  @Column({ name: 'key_path', type: 'varchar', length: 32 })
  keyPath: string;

  @Column({ type: 'varchar', length: 8 })
  network: BitcoinNetwork;

  /** BTC per unit of the settlement currency (checkout-amounts.ts). */
  @Column({ name: 'btc_rate', type: 'numeric' })
  btcRate: string;

  /** What the customer must send: amount × btc_rate rounded up to the satoshi. */
  @Column({ name: 'btc_amount', type: 'numeric', precision: 16, scale: 8 })
  btcAmount: string;

  @Column({ name: 'btc_rate_source', type: 'varchar', length: 32 })
  btcRateSource: string;

  /** USD per unit of the settlement currency; 1 for USD. */
  @Column({ name: 'usd_rate', type: 'numeric' })
  usdRate: string;

  /** amount × usd_rate, exactly. */
  @Column({ name: 'usd_amount', type: 'numeric' })
  usdAmount: string;

  @Column({ name: 'usd_rate_source', type: 'varchar', length: 32 })
  usdRateSource: string;

  /** When the rates were fetched by their source. */
  @Column({ name: 'rates_fetched_at', type: 'timestamptz', precision: 3 })
  ratesFetchedAt: Date;

  /** The store's terms when the invoice was made. */
  @Column({ name: 'required_confirmations', type: 'smallint' })
  requiredConfirmations: number;

  @Column({ name: 'payment_tolerance_percent', type: 'numeric', precision: 5, scale: 2 })
  paymentTolerancePercent: string;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  /** Payments are still watched for until then (expires_at + the store's monitoringMinutes). */
  @Column({ name: 'monitoring_until', type: 'timestamptz', precision: 3 })
  monitoringUntil: Date;

  /** When a first output paying the address was seen: the store's gap-limit count starts after it. */
  @Column({ name: 'payment_seen_at', type: 'timestamptz', precision: 3, nullable: true })
  paymentSeenAt: Date | null;

  @Column({ name: 'paid_at', type: 'timestamptz', precision: 3, nullable: true })
  paidAt: Date | null;

  /** Satoshis of the standing (not voided) payments; bigints as strings. */
  @Column({ name: 'paid_sats', type: 'bigint', default: 0 })
  paidSats: string;

  /** Of which confirmed enough. */
  @Column({ name: 'settled_sats', type: 'bigint', default: 0 })
  settledSats: string;

  /** Of which still short of their confirmations: the watcher keeps looking while > 0. */
  @Column({ name: 'pending_sats', type: 'bigint', default: 0 })
  pendingSats: string;

  /** The minimum was reached only by payments seen after expiry. */
  @Column({ name: 'paid_late', type: 'boolean', default: false })
  paidLate: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
