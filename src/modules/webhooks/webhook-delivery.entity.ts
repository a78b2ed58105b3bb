import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One attempt to deliver one event to one endpoint: the delivery log. A failed attempt with retries
 * left is followed by a pending one (its next_attempt_at); a redelivery starts a new series (attempt 1,
 * redelivery_of set) with the same event id, hence the same webhook-id.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('IDX_webhook_deliveries_endpoint_created', ['endpointId', 'createdAt', 'id'])
// The log filtered by status (?status=failed), in the same keyset order.
@Index('IDX_webhook_deliveries_endpoint_status_created', ['endpointId', 'status', 'createdAt', 'id'])
// The subscriber gets each event at least once: the first attempt of an event exists once per endpoint.
@Index('UQ_webhook_deliveries_first_attempt', ['endpointId', 'eventId'], {
  unique: true,
  where: 'attempt = 1 AND redelivery_of IS NULL',
})
// The retention purge's way to the old finished attempts (WEBHOOK_DELIVERIES_RETENTION_DAYS).
@Index('IDX_webhook_deliveries_finished_created', ['createdAt'], { where: "status <> 'pending'" })
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id' })
  endpoint?: WebhookEndpoint;

  /** The domain event's id: the webhook-id header, the same on every attempt. */
  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 100 })
  eventType: string;

  /** The exact body sent and signed, the same on every attempt. */
  @Column({ type: 'text' })
  body: string;

  /** 1 for the first attempt of a series. */
  @Column({ type: 'int' })
  attempt: number;

  /** The delivery this series redelivers; null for the series the event started. */
  @Column({ name: 'redelivery_of', type: 'uuid', nullable: true })
  redeliveryOf: string | null;

  @Column({ type: 'varchar', length: 20, default: 'pending' })
  status: WebhookDeliveryStatus;

  @Column({ name: 'response_status', type: 'int', nullable: true })
  responseStatus: number | null;

  /** The first 4 KB of the response body. */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'duration_ms', type: 'int', nullable: true })
  durationMs: number | null;

  /** When this attempt is due. */
  @Column({ name: 'scheduled_at', type: 'timestamptz', precision: 3 })
  scheduledAt: Date;

  @Column({ name: 'attempted_at', type: 'timestamptz', precision: 3, nullable: true })
  attemptedAt: Date | null;

  /** After a failure with retries left: when the next attempt runs. */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  nextAttemptAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
