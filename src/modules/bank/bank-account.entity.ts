import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Organization } from '../auth/organization.entity.js';

/** One bank account of an organization; its statements are imported into bank operations. */
@Entity({ name: 'bank_accounts' })
@Index('IDX_bank_accounts_org_created_at', ['organizationId', 'createdAt', 'id'])
@Index('UQ_bank_accounts_org_iban', ['organizationId', 'iban'], { unique: true })
export class BankAccount {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Normalised: upper case, no spaces. Null when unknown. */
  @Column({ type: 'varchar', length: 34, nullable: true })
  iban: string | null;

  /** ISO 4217. */
  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency: string;

  // Millisecond precision, so that a cursor (a JS Date) names a row exactly.
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
