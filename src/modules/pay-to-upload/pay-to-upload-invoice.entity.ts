import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organization } from '../auth/organization.entity.js';
import { InvoiceUpload } from '../uploads/invoice-upload.entity.js';

/**
 * A Lightning invoice handed out by seed 000's GET /getInvoice: its payment hash and the `date` the client
 * must show back with it, and, once a file was uploaded with it, when and which upload. One paid invoice
 * allows one upload: `consumed_at` is set once, by a conditional UPDATE.
 */
@Entity({ name: 'pay_to_upload_invoices' })
export class PayToUploadInvoice {
  /** 64 lowercase hex digits. */
  @PrimaryColumn({ name: 'payment_hash', type: 'char', length: 64 })
  paymentHash: string;

  /** The invoice's creation time, exactly as handed to the client (ISO 8601, milliseconds). */
  @Column({ type: 'varchar', length: 32 })
  date: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;

  @Index('IDX_pay_to_upload_invoices_upload')
  @Column({ name: 'upload_id', type: 'uuid', nullable: true })
  uploadId: string | null;

  @ManyToOne(() => InvoiceUpload, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'upload_id' })
  upload?: InvoiceUpload;
}
