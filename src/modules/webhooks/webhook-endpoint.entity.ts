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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
