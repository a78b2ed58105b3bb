import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Check } from 'typeorm';
import { Organization } from '../auth/organization.entity.js';
import { PaymentRequest } from './payment-request.entity.js';

/**
 * Money received for a payment request (seed 004's charges), in the request's currency. The ways money
 * comes in; the Bitcoin and Lightning issues add theirs to this list.
 */
export const CHARGE_TYPES = ['stripe', 'manual', 'check', 'transfer', 'cash'] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];

@Entity({ name: 'charges' })
@Check('CHK_charges_amount', `"amount" > 0`)
@Index('IDX_charges_payment_request_created', ['paymentRequestId', 'createdAt', 'id'])
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

  /** Set by the service (a JS Date, milliseconds): the status machine orders charges by it. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
