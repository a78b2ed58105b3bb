import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An invoice of the dev backend: what a Lightning node would keep (preimage, amount, expiry, whether it
 * was paid), in PostgreSQL so that every replica sees the same invoices. Settled only by the dev
 * endpoint; nothing here is money (the invoices are regtest, `lnbcrt`).
 */
@Entity({ name: 'lightning_dev_invoices' })
@Check('CHK_lightning_dev_invoices_amount', '"amount_msat" > 0')
export class LightningDevInvoice {
  /** sha256(preimage), hex. */
  @PrimaryColumn({ name: 'payment_hash', type: 'char', length: 64 })
  paymentHash: string;

  /** 32 random bytes, hex: what a paying node would learn. */
  @Column({ type: 'char', length: 64 })
  preimage: string;

  @Column({ name: 'payment_request', type: 'text' })
  paymentRequest: string;

  @Column({ name: 'amount_msat', type: 'bigint' })
  amountMsat: string;

  @Column({ type: 'text' })
  description: string;

  /** The invoice's own timestamp. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** created_at + the invoice's `x` field. */
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', precision: 3, nullable: true })
  settledAt: Date | null;

  @Column({ name: 'amount_paid_msat', type: 'bigint', nullable: true })
  amountPaidMsat: string | null;

  /** Cancelled unpaid (LightningBackend.cancelInvoice): it can no longer be settled. */
  @Column({ name: 'cancelled_at', type: 'timestamptz', precision: 3, nullable: true })
  cancelledAt: Date | null;
}
