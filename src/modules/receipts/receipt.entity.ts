import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  ForeignKey,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Organization } from '../auth/organization.entity.js';

export const RECEIPT_TYPES = ['frais', 'vente'] as const;
export type ReceiptType = (typeof RECEIPT_TYPES)[number];

/** A "pièce justificative" (seed 002). Amounts are numeric, read back as exact decimal strings. */
@Entity({ name: 'receipts' })
@Check('CHK_receipts_type', `"type" IN ('frais', 'vente')`)
@Index('IDX_receipts_org_id', ['organizationId', 'id'])
@Index('IDX_receipts_org_created_at', ['organizationId', 'createdAt', 'id'])
@Index('IDX_receipts_org_operation_date', ['organizationId', 'operationDate', 'id'])
@Index('IDX_receipts_org_amount', ['organizationId', 'amount', 'id'])
@Index('IDX_receipts_org_amount_with_vat', ['organizationId', 'amountWithVat', 'id'])
@Index('IDX_receipts_org_type_status_id', ['organizationId', 'type', 'status', 'id'])
// Trigram index over label, reference and name for `q`; created in SQL (an expression index).
@Index('IDX_receipts_search_trgm', { synchronize: false })
// Affectation suggestions: receipts by a reference found in a bank label, and unaffected receipts by date
// (partial, covering: an index-only scan); created in SQL.
@Index('IDX_receipts_org_reference_lower', { synchronize: false })
@Index('IDX_receipts_unaffected_operation_date', { synchronize: false })
export class Receipt {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 255 })
  label: string;

  @Column({ type: 'varchar', length: 10 })
  type: ReceiptType;

  @Column({ type: 'numeric' })
  amount: string;

  @Column({ name: 'amount_with_vat', type: 'numeric' })
  amountWithVat: string;

  @Column({ type: 'numeric', nullable: true })
  vat: string | null;

  @Column({ name: 'vat_value', type: 'numeric', nullable: true })
  vatValue: string | null;

  @Column({ type: 'varchar', length: 100 })
  reference: string;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  /** Millisecond precision, like a JS Date: list cursors carry it exactly. */
  @Column({ name: 'operation_date', type: 'timestamptz', precision: 3 })
  operationDate: Date;

  /** The date the receipt was issued (seed 002's `created_at`), given by the client or now. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  /** Computed: issue date (YYYYMMDD) + label + amount with VAT. */
  @Column({ type: 'varchar', length: 400 })
  name: string;

  @Column({ type: 'boolean', default: false })
  status: boolean;

  /** The affectations module's row that ties this receipt to a bank operation; its deletion clears this. */
  @Column({ name: 'affectation_id', type: 'integer', nullable: true })
  @ForeignKey('Affectation', { name: 'FK_receipts_affectation', onDelete: 'SET NULL' })
  affectationId: number | null;

  /** Storage key of the file (`invoices/<slug>-<unique>.<ext>`); `receipt_path` is `/storage/` + this. */
  @Index('UQ_receipts_receipt_key', { unique: true })
  @Column({ name: 'receipt_key', type: 'varchar', length: 300, nullable: true })
  receiptKey: string | null;

  @Column({ name: 'receipt_original_name', type: 'varchar', length: 255, nullable: true })
  receiptOriginalName: string | null;

  @Column({ name: 'receipt_mime_type', type: 'varchar', length: 100, nullable: true })
  receiptMimeType: string | null;

  @Column({ name: 'receipt_size', type: 'integer', nullable: true })
  receiptSize: number | null;

  @Column({ name: 'receipt_sha256', type: 'char', length: 64, nullable: true })
  receiptSha256: string | null;

  @CreateDateColumn({ name: 'inserted_at', type: 'timestamptz' })
  insertedAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
