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
import type { AddressType, BitcoinNetwork } from './bitcoin/extended-key.js';

/** A merchant's Bitcoin checkout (seed 003): where invoices are paid to, in which currency, how. */
@Entity({ name: 'checkout_stores' })
@Index('IDX_checkout_stores_org_created', ['organizationId', 'createdAt', 'id'])
// One store per account key in an organization: two would hand out the same addresses.
@Index('UQ_checkout_stores_org_key', ['organizationId', 'keyFingerprint'], { unique: true })
@Check('CHK_checkout_stores_confirmations', `"confirmations" BETWEEN 0 AND 6`)
@Check('CHK_checkout_stores_expiration', `"expiration_minutes" BETWEEN 1 AND 10080`)
@Check('CHK_checkout_stores_monitoring', `"monitoring_minutes" BETWEEN 0 AND 43200`)
@Check('CHK_checkout_stores_tolerance', `"payment_tolerance_percent" BETWEEN 0 AND 100`)
// BIP32's non-hardened indexes end at 2^31 - 1: the counter stops one short of it.
@Check('CHK_checkout_stores_next_index', `"next_address_index" BETWEEN 0 AND 2147483647`)
export class CheckoutStore {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** The settlement currency invoices are priced in (ISO 4217). */
  @Column({ type: 'char', length: 3 })
  currency: string;

  /** The extended public key as given (zpub…, xpub…). */
  @Column({ name: 'derivation_scheme', type: 'varchar', length: 200 })
  derivationScheme: string;

  @Column({ name: 'address_type', type: 'varchar', length: 16 })
  addressType: AddressType;

  /** Follows from the key's version bytes. */
  @Column({ type: 'varchar', length: 8 })
  network: BitcoinNetwork;

  /** sha256 of the node (public key, chain code), address type and network: the same addresses. */
  @Column({ name: 'key_fingerprint', type: 'char', length: 64 })
  keyFingerprint: string;

  /** The next receiving index (…/0/n) to hand out; also how many were handed out. */
  @Column({ name: 'next_address_index', type: 'integer', default: 0 })
  nextAddressIndex: number;

  @Column({ name: 'callback_url', type: 'varchar', length: 2048, nullable: true })
  callbackUrl: string | null;

  /** `whsec_…`, signs the callbacks; shown at creation and on rotation only. */
  @Column({ name: 'callback_secret', type: 'varchar', length: 100 })
  callbackSecret: string;

  @Column({ type: 'smallint', default: 1 })
  confirmations: number;

  @Column({ name: 'expiration_minutes', type: 'integer', default: 15 })
  expirationMinutes: number;

  @Column({ name: 'monitoring_minutes', type: 'integer', default: 1440 })
  monitoringMinutes: number;

  @Column({ name: 'payment_tolerance_percent', type: 'numeric', precision: 5, scale: 2, default: 0 })
  paymentTolerancePercent: string;

  @Column({ name: 'success_redirect_url', type: 'varchar', length: 2048, nullable: true })
  successRedirectUrl: string | null;

  @Column({ name: 'error_redirect_url', type: 'varchar', length: 2048, nullable: true })
  errorRedirectUrl: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
