import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organization } from '../auth/organization.entity.js';
import { PaymentRequest } from '../payment-requests/payment-request.entity.js';

export const LIGHTNING_PAYMENT_STATES = ['open', 'settled', 'expired', 'cancelled'] as const;
export type LightningPaymentState = (typeof LIGHTNING_PAYMENT_STATES)[number];

/**
 * A BOLT #11 invoice issued for what a payment request still had due, at a rate held for its expiry.
 * `open` until the backend says it was paid (`settled`: the charge it made is `charge_id`), or that it can
 * no longer be (`expired`, `cancelled`). The watcher reads the open ones only (IDX_lightning_payments_open).
 */
@Entity({ name: 'lightning_payments' })
@Check('CHK_lightning_payments_amounts', '"amount" > 0 AND "amount_msat" > 0')
@Check('CHK_lightning_payments_state', `"state" IN ('open', 'settled', 'expired', 'cancelled')`)
@Index('IDX_lightning_payments_request_created', ['paymentRequestId', 'createdAt', 'id'])
@Index('IDX_lightning_payments_open', ['expiresAt'], { where: `"state" = 'open'` })
export class LightningPayment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ name: 'payment_request_id', type: 'uuid' })
  paymentRequestId: string;

  // Like a charge, an invoice someone may pay keeps its request: deleting it is refused (cancel instead).
  @ManyToOne(() => PaymentRequest, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'payment_request_id' })
  paymentRequest?: PaymentRequest;

  /** sha256 of the preimage, hex: the invoice at the backend, and the reference of its charge. */
  @Index('UQ_lightning_payments_payment_hash', { unique: true })
  @Column({ name: 'payment_hash', type: 'char', length: 64 })
  paymentHash: string;

  /** The BOLT #11 string. */
  @Column({ name: 'bolt11', type: 'text' })
  bolt11: string;

  /** What was due when it was issued, in the request's currency, at its scale: what a full payment credits. */
  @Column({ type: 'numeric' })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** amount × rate, rounded up to the satoshi, in millisatoshis. */
  @Column({ name: 'amount_msat', type: 'bigint' })
  amountMsat: string;

  /** BTC per unit of `currency`, as the rate source gave it. */
  @Column({ type: 'numeric' })
  rate: string;

  @Column({ name: 'rate_source', type: 'varchar', length: 32 })
  rateSource: string;

  @Column({ name: 'rate_fetched_at', type: 'timestamptz', precision: 3 })
  rateFetchedAt: Date;

  @Column({ type: 'varchar', length: 16 })
  state: LightningPaymentState;

  /** The invoice's own timestamp. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', precision: 3, nullable: true })
  settledAt: Date | null;

  /** What the payer sent, once settled (a wallet may send more than asked). */
  @Column({ name: 'amount_paid_msat', type: 'bigint', nullable: true })
  amountPaidMsat: string | null;

  /** The `lightning` charge its settlement added. */
  @Column({ name: 'charge_id', type: 'uuid', nullable: true })
  chargeId: string | null;

  /** When it left `open` (settled, expired, cancelled). */
  @Column({ name: 'closed_at', type: 'timestamptz', precision: 3, nullable: true })
  closedAt: Date | null;
}
