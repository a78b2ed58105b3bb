import {
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

/** A URL of an organization that receives its events, signed with its own secret. */
@Entity({ name: 'webhook_endpoints' })
@Index('IDX_webhook_endpoints_org_created_at', ['organizationId', 'createdAt', 'id'])
// A managed endpoint exists once per owner (a checkout store's callback).
@Index('UQ_webhook_endpoints_managed_owner', ['managedBy', 'ownerId'], {
  unique: true,
  where: '"managed_by" IS NOT NULL',
})
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 2048 })
  url: string;

  /** Event types to receive; empty: every type. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  events: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /**
   * `whsec_…`. Kept in clear, unlike API keys: signing needs the secret itself, a hash would not do.
   * Never presented after the response that issues it.
   */
  @Column({ type: 'varchar', length: 100 })
  secret: string;

  /**
   * Null: the organization's own endpoint (/api/v1/webhooks). Otherwise the module that keeps it in step
   * with one of its records (`checkout-store`: a store's callbackUrl and secret), hidden from the webhook
   * routes; it receives only the events that module routes to its owner.
   */
  @Column({ name: 'managed_by', type: 'varchar', length: 32, nullable: true })
  managedBy: string | null;

  /** The managing module's record (the store's id). */
  @Column({ name: 'owner_id', type: 'uuid', nullable: true })
  ownerId: string | null;

  /**
   * `envelope`: `{id, type, timestamp, data}`; `payload`: the event's payload alone (a checkout store's
   * callback is seed 003's invoice object itself).
   */
  @Column({ name: 'body_format', type: 'varchar', length: 16, default: 'envelope' })
  bodyFormat: 'envelope' | 'payload';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
