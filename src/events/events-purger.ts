import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { JobQueue, PGBOSS_SCHEMA, type NoPayload } from '../jobs/job-queue.js';

export const EVENTS_PURGE_JOB = 'events-purge';
/** Rows deleted per statement: short transactions, whatever the backlog after a long pause. */
export const PURGE_BATCH = 1000;

declare module '../jobs/job-queue.js' {
  interface JobPayloads {
    [EVENTS_PURGE_JOB]: NoPayload;
  }
}

/**
 * Forgets the `events` rows older than EVENTS_RETENTION_DAYS, hourly, once across replicas (a cron
 * job), except an event a subscription has still to handle: one of its jobs (`events.*`, carrying its
 * id) is created, waiting for a retry, or running. Webhook deliveries keep their own copy of the body
 * they send, so the log outlives the event.
 */
@Injectable()
export class EventsPurger implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define(EVENTS_PURGE_JOB, { handle: () => this.purge(), cron: '29 * * * *' });
  }

  /**
   * In batches of `batch`, each its own statement. The old events are found on IDX_events_occurred_at
   * (cost: what is purged); the jobs still to run are those pg-boss keeps in its job table (finished
   * ones are archived), few, and read per batch. Idempotent: a run repeated after a crash redoes nothing.
   */
  async purge(batch = PURGE_BATCH): Promise<{ purged: number }> {
    let purged = 0;
    for (;;) {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM events WHERE id IN (
           SELECT e.id FROM events e
           WHERE e.occurred_at < now() - make_interval(days => $1)
             AND NOT EXISTS (
               SELECT 1 FROM ${PGBOSS_SCHEMA}.job j
               WHERE j.name LIKE 'events.%' AND j.state < 'completed' AND j.data->>'eventId' = e.id::text)
           LIMIT $2)`,
        [this.config.events.retentionDays, batch],
      );
      purged += deleted;
      if (deleted < batch) return { purged };
    }
  }
}
