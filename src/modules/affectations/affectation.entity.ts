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
} from 'typeorm';
import { Organization } from '../auth/organization.entity.js';

export const AFFECTATION_ORIGINS = ['manual', 'auto_match'] as const;
export type AffectationOrigin = (typeof AFFECTATION_ORIGINS)[number];

/**
 * A receipt justifies (part of) a bank operation. A receipt has at most one; an operation may have
 * several. The foreign keys name the other modules' tables without joining them: this module reaches
 * receipts and bank operations only through their services.
 */
@Entity({ name: 'affectations' })
@Check('CHK_affectations_amount', `"amount" > 0`)
@Check('CHK_affectations_origin', `"origin" IN ('manual', 'auto_match')`)
@Index('UQ_affectations_receipt', ['receiptId'], { unique: true })
@Index('IDX_affectations_org_id', ['organizationId', 'id'])
@Index('IDX_affectations_org_operation_id', ['organizationId', 'bankOperationId', 'id'])
export class Affectation {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ name: 'receipt_id', type: 'integer' })
  @ForeignKey('Receipt', { name: 'FK_affectations_receipt' })
  receiptId: number;

  @Column({ name: 'bank_operation_id', type: 'uuid' })
  @ForeignKey('BankOperation', { name: 'FK_affectations_bank_operation' })
  bankOperationId: string;

  /** The part of the operation this receipt justifies, > 0. */
  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  /** The receipt's operation date before it took the operation's; deleting the affectation restores it. */
  @Column({ name: 'receipt_previous_operation_date', type: 'timestamptz' })
  receiptPreviousOperationDate: Date;

  @Column({ type: 'varchar', length: 12, default: 'manual' })
  origin: AffectationOrigin;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
