import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.js';
import type { RetryPolicy } from '../jobs/retry-policy.js';

/**
 * Every domain event: its type → its payload. Each module declares the events it records beside its
 * code, and TypeScript merges the declarations:
 *
 *     declare module '../../events/domain-events.js' {
 *       interface EventPayloads { 'bank_operation.date_changed': { operationId: string; … } }
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface EventPayloads {}
export type EventType = Extract<keyof EventPayloads, string>;

/** An event as subscribers get it: a union over `T`, so that `type` tells the payload apart. */
export type DomainEvent<T extends EventType = EventType> = T extends EventType
  ? { id: string; type: T; organizationId: string; occurredAt: Date; payload: EventPayloads[T] }
  : never;

/** A subscription's job carries the event's id only: the `events` row is the one copy of the event. */
export interface EventJob {
  eventId: string;
}

declare module '../jobs/job-queue.js' {
  interface JobPayloads {
    [subscription: `events.${string}`]: EventJob;
  }
}

export interface Subscription<T extends EventType> {
  /** Stable and unique (it names the subscription's queue), e.g. `affectations.follow-operation-date`. */
  name: string;
  types: readonly T[];
  /**
   * Gets each event at least once (a crash or a failure delivers it again: deduplicate on `event.id`
   * where running twice would matter), in no guaranteed order: a subscriber that follows a state reads
   * the current state rather than trusting the order of events.
   */
  handle: (event: DomainEvent<T>) => Promise<unknown>;
  retry?: RetryPolicy;
  /** As a job's (JobDefinition): how long a delivery may run, how many run at once on each instance. */
  timeoutSeconds?: number;
  concurrency?: number;
}

/**
 * The outbox. `record` writes the event and one job per subscription of its type in the caller's
 * transaction: the event is delivered if and only if the change it describes is committed, with no relay
 * to run (pg-boss's queue is the outbox's delivery side). The `events` row, rather than the payload in
 * each job, because an event has one id and one payload however many subscribers get it (webhooks will
 * send that id as `webhook-id` on every retry), and it stays after pg-boss deletes finished jobs.
 */
@Injectable()
export class DomainEvents {
  private readonly subscriptions = new Map<string, Subscription<EventType>>();

  constructor(
    private readonly jobs: JobQueue,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** In onModuleInit, like a job definition: subscriptions must be known before the first record. */
  subscribe<T extends EventType>(subscription: Subscription<T>): void {
    if (this.subscriptions.has(subscription.name)) {
      throw new Error(`event subscription ${subscription.name} is defined twice`);
    }
    this.subscriptions.set(subscription.name, subscription as unknown as Subscription<EventType>);
    this.jobs.define(`events.${subscription.name}`, {
      handle: async ({ eventId }) => subscription.handle((await this.load(eventId)) as DomainEvent<T>),
      retry: subscription.retry,
      timeoutSeconds: subscription.timeoutSeconds,
      concurrency: subscription.concurrency,
    });
  }

  /** Records the event in `manager`'s transaction and returns its id. */
  async record<T extends EventType>(
    manager: EntityManager,
    event: { type: T; organizationId: string; payload: EventPayloads[T] },
  ): Promise<string> {
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO events (type, organization_id, payload) VALUES ($1, $2, $3) RETURNING id`,
      [event.type, event.organizationId, JSON.stringify(event.payload)],
    );
    const eventId = rows[0].id;
    for (const subscription of this.subscriptions.values()) {
      if (!subscription.types.includes(event.type)) continue;
      await this.jobs.enqueue(`events.${subscription.name}`, { eventId }, { transaction: manager });
    }
    return eventId;
  }

  private async load(id: string): Promise<DomainEvent> {
    const rows: {
      id: string;
      type: EventType;
      organization_id: string;
      payload: object;
      occurred_at: Date;
    }[] = await this.dataSource.query(
      `SELECT id, type, organization_id, payload, occurred_at FROM events WHERE id = $1`,
      [id],
    );
    if (rows.length === 0) throw new Error(`event ${id} not found`);
    const [row] = rows;
    return {
      id: row.id,
      type: row.type,
      organizationId: row.organization_id,
      occurredAt: row.occurred_at,
      payload: row.payload,
    } as DomainEvent;
  }
}
