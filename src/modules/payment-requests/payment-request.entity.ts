import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Organization } from '../auth/organization.entity.js';
import type { PaymentRequestStatus } from './payment-request-status.js';

export const PAYMENT_REQUEST_ORIGINS = ['checkout'] as const;
export type PaymentRequestOrigin = (typeof PAYMENT_REQUEST_ORIGINS)[number];

/** What a customer is asked to pay, with the invoice document attached to it (seed 001). */
@Entity({ name: 'payment_requests' })
@Check(
  'CHK_payment_requests_status',
  `"status" IN ('unpaid', 'partially_paid', 'paid', 'overpaid', 'cancelled')`,
)
@Check('CHK_payment_requests_amount', `"amount" > 0`)
@Index('IDX_payment_requests_org_created', ['organizationId', 'createdAt', 'id'])
@Index('IDX_payment_requests_org_status_created', ['organizationId', 'status', 'createdAt', 'id'])
@Index('IDX_payment_requests_org_due_date', ['organizationId', 'dueDate', 'id'])
@Index('IDX_payment_requests_org_customer', ['organizationId', 'customerEmail', 'createdAt', 'id'])
// For the orphan collection's batch lookups of stored keys.
@Index('IDX_payment_requests_invoice_key', ['invoiceKey'], { where: '"invoice_key" IS NOT NULL' })
export class PaymentRequest {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  /** Unconstrained numeric: each currency's own scale (JPY 0, KWD 3, BTC 8), written at that scale. */
  @Column({ type: 'numeric' })
  amount: string;

  /** ISO 4217, upper case. */
  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ name: 'customer_email', type: 'varchar', length: 254, nullable: true })
  customerEmail: string | null;

  /** A calendar date (YYYY-MM-DD). */
  @Column({ name: 'due_date', type: 'date', nullable: true })
  dueDate: string | null;

  /**
   * What made the request, when its terms are another resource's: `checkout` for a Bitcoin checkout
   * invoice (same id), whose BTC price was quoted on this amount. Such terms never change here.
   */
  @Column({ type: 'varchar', length: 16, nullable: true })
  origin: PaymentRequestOrigin | null;

  /** Derived by payment-request-status.ts in each change's transaction; stored to filter lists by it. */
  @Column({ type: 'varchar', length: 16, default: 'unpaid' })
  status: PaymentRequestStatus;

  /** The attached invoice document: a confirmed upload, copied here when attached (seed 001). */
  @Column({ name: 'invoice_upload_id', type: 'uuid', nullable: true })
  invoiceUploadId: string | null;

  @Column({ name: 'invoice_key', type: 'varchar', length: 512, nullable: true })
  invoiceKey: string | null;

  @Column({ name: 'invoice_file_name', type: 'varchar', length: 255, nullable: true })
  invoiceFileName: string | null;

  @Column({ name: 'invoice_mime_type', type: 'varchar', length: 100, nullable: true })
  invoiceMimeType: string | null;

  @Column({ name: 'invoice_size', type: 'bigint', nullable: true })
  invoiceSize: string | null;

  @Column({ name: 'invoice_attached_at', type: 'timestamptz', nullable: true })
  invoiceAttachedAt: Date | null;

  /** Millisecond precision, like a JS Date: list cursors carry it exactly. */
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** When the charges first covered the amount (payment-request-status.ts). */
  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;
}
