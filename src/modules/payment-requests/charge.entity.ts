import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Check } from 'typeorm';
import { Organization } from '../auth/organization.entity.js';
import { PaymentRequest } from './payment-request.entity.js';

/**
 * Money received for a payment request (seed 004's charges), in the request's currency. The ways money
 * comes in: the first ones are recorded by hand (POST /api/v1/invoices/{id}/charges); the external ones
 * only by the payment method that watches them (the chain watcher, the Lightning backend).
 */
export const MANUAL_CHARGE_TYPES = ['stripe', 'manual', 'check', 'transfer', 'cash'] as const;
export const EXTERNAL_CHARGE_TYPES = ['bitcoin', 'lightning'] as const;
export const CHARGE_TYPES = [...MANUAL_CHARGE_TYPES, ...EXTERNAL_CHARGE_TYPES] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];
export type ExternalChargeType = (typeof EXTERNAL_CHARGE_TYPES)[number];

export function isExternalChargeType(type: string): type is ExternalChargeType {
  return (EXTERNAL_CHARGE_TYPES as readonly string[]).includes(type);
}

/**
 * A charge is pending (seen: a transaction in the mempool or short of its confirmations), settled, or
 * voided (its transaction was replaced and left the mempool): payment-request-status.ts chargeState.
 * A voided charge stays, as a record. A zero amount is allowed only beside what was really received (a
 * few satoshis worth less than a cent).
 */
@Entity({ name: 'charges' })
@Check('CHK_charges_amount', `"amount" > 0 OR ("amount" = 0 AND "original_amount" > 0)`)
@Check('CHK_charges_confirmations', `"confirmations" >= 0`)
@Index('IDX_charges_payment_request_created', ['paymentRequestId', 'createdAt', 'id'])
// A payment method's charge is recorded once per (request, type, reference) — a Bitcoin output's
// txid:vout — however many watchers see it; once voided, the same reference may be recorded anew (a
// transaction evicted from the mempool and broadcast again).
@Index('UQ_charges_external_reference', ['paymentRequestId', 'chargeType', 'reference'], {
  unique: true,
  where: `"charge_type" IN ('bitcoin', 'lightning') AND "voided_at" IS NULL`,
})
export class Charge {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  // No cascade from the request: a request with charges is not deleted (money records do not vanish);
  // NO ACTION still lets an organization's deletion cascade to both in one statement.
  @Column({ name: 'payment_request_id', type: 'uuid' })
  paymentRequestId: string;

  @ManyToOne(() => PaymentRequest, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'payment_request_id' })
  paymentRequest?: PaymentRequest;

  /** At the request's currency's scale, like its amount. */
  @Column({ type: 'numeric' })
  amount: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  reference: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  note: string | null;

  // A varchar rather than a database enum: the next issues add payment methods without a type change.
  @Column({ name: 'charge_type', type: 'varchar', length: 32 })
  chargeType: string;

  /** Set by the service (a JS Date, milliseconds): when the charge was seen. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** When it settled (a manual charge: when it was made); null while pending. Orders the status machine. */
  @Column({ name: 'settled_at', type: 'timestamptz', precision: 3, nullable: true })
  settledAt: Date | null;

  /** When it was voided; it then counts for nothing, and stays as a record. */
  @Column({ name: 'voided_at', type: 'timestamptz', precision: 3, nullable: true })
  voidedAt: Date | null;

  /** A Bitcoin charge's confirmations when last seen; null where the method has none. */
  @Column({ type: 'integer', nullable: true })
  confirmations: number | null;

  /** What was really received when it was not in the request's currency (satoshis as BTC, 8 decimals). */
  @Column({ name: 'original_amount', type: 'numeric', nullable: true })
  originalAmount: string | null;

  @Column({ name: 'original_currency', type: 'varchar', length: 8, nullable: true })
  originalCurrency: string | null;
}
