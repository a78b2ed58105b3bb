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
import { BankAccount } from './bank-account.entity.js';

/** "EN COURS" (entered by hand, not yet on a statement) or "relevé de compte" (an imported line). */
export const BANK_OPERATION_SOURCES = ['pending', 'statement'] as const;
export type BankOperationSource = (typeof BANK_OPERATION_SOURCES)[number];

/** Computed from the affectations (missing, partial, justified) or set by a person (the last two). */
export const JUSTIFICATION_STATES = [
  'missing',
  'partial',
  'justified',
  'not_needed',
  'receipt_lost',
] as const;
export type JustificationState = (typeof JUSTIFICATION_STATES)[number];
export const MANUAL_JUSTIFICATION_STATES = ['not_needed', 'receipt_lost'] as const;
export type ManualJustificationState = (typeof MANUAL_JUSTIFICATION_STATES)[number];

/** One line of a bank account. `amount` is signed: a debit is negative. */
@Entity({ name: 'bank_operations' })
@Check('CHK_bank_operations_source', `"source" IN ('pending', 'statement')`)
@Check(
  'CHK_bank_operations_justification',
  `"justification" IN ('missing', 'partial', 'justified', 'not_needed', 'receipt_lost')`,
)
@Check('CHK_bank_operations_justified_amount', `"justified_amount" >= 0`)
// The list's keyset (date DESC, id DESC), alone and under each equality filter.
@Index('IDX_bank_operations_org_date', ['organizationId', 'date', 'id'])
@Index('IDX_bank_operations_org_account_date', ['organizationId', 'bankAccountId', 'date', 'id'])
@Index('IDX_bank_operations_org_source_date', ['organizationId', 'source', 'date', 'id'])
@Index('IDX_bank_operations_org_justification_date', ['organizationId', 'justification', 'date', 'id'])
@Index('IDX_bank_operations_org_amount', ['organizationId', 'amount', 'id'])
// Re-importing a statement line finds it by this key and creates nothing.
@Index('UQ_bank_operations_external_id', ['organizationId', 'bankAccountId', 'externalId'], { unique: true })
// Pending lines that an imported line may confirm: same account, same amount.
@Index('IDX_bank_operations_pending', ['bankAccountId', 'amount', 'date'], { where: `"source" = 'pending'` })
// Trigram index over the label for `q`; created in SQL (an operator-class index).
@Index('IDX_bank_operations_label_trgm', { synchronize: false })
export class BankOperation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ name: 'bank_account_id', type: 'uuid' })
  bankAccountId: string;

  @ManyToOne(() => BankAccount, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'bank_account_id' })
  bankAccount?: BankAccount;

  @Column({ type: 'varchar', length: 10 })
  source: BankOperationSource;

  /** Booking date, `YYYY-MM-DD`. */
  @Column({ name: 'operation_date', type: 'date' })
  date: string;

  @Column({ name: 'value_date', type: 'date', nullable: true })
  valueDate: string | null;

  @Column({ type: 'varchar', length: 500 })
  label: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  /** OFX FITID, CAMT reference, or a hash of a CSV line; null for a pending line entered by hand. */
  @Column({ name: 'external_id', type: 'varchar', length: 300, nullable: true })
  externalId: string | null;

  /** Sum of the affectations' amounts, kept in the same transaction as they change. */
  @Column({ name: 'justified_amount', type: 'numeric', precision: 14, scale: 2, default: 0 })
  justifiedAmount: string;

  @Column({ type: 'varchar', length: 12, default: 'missing' })
  justification: JustificationState;

  /** Why a person set `not_needed` or `receipt_lost`. */
  @Column({ name: 'justification_comment', type: 'text', nullable: true })
  justificationComment: string | null;

  /** When an imported statement line confirmed this pending line. */
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
