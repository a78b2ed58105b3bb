import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A domain event, written in the transaction of the change it describes (the outbox). Its id is what
 * subscribers deduplicate on; the row outlives the jobs that deliver it (pg-boss deletes those).
 */
@Entity({ name: 'events' })
@Index('IDX_events_organization_occurred', ['organizationId', 'occurredAt'])
// The retention purge's way to the old events (EVENTS_RETENTION_DAYS).
@Index('IDX_events_occurred_at', ['occurredAt'])
export class DomainEventRow {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  type: string;

  /** Every event belongs to one organization (its subscribers, its webhooks, act for that one). */
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'jsonb' })
  payload: object;

  /** The recording transaction's time. */
  @CreateDateColumn({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
