import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { PURGE_BATCH } from '../../events/events-purger.js';
import { JobQueue, type NoPayload } from '../../jobs/job-queue.js';

export const WEBHOOK_DELIVERIES_PURGE_JOB = 'webhooks.deliveries-purge';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    [WEBHOOK_DELIVERIES_PURGE_JOB]: NoPayload;
  }
}

/**
 * Forgets the delivery log's attempts older than WEBHOOK_DELIVERIES_RETENTION_DAYS, hourly, once
 * across replicas (a cron job). A pending attempt is never taken, however old: its job still has to
 * fill it in.
 */
@Injectable()
export class WebhookDeliveriesPurger implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.define(WEBHOOK_DELIVERIES_PURGE_JOB, { handle: () => this.purge(), cron: '37 * * * *' });
  }

  /**
   * In batches of `batch`, each its own statement, found on the partial index of finished attempts by
   * creation time (IDX_webhook_deliveries_finished_created): the cost is what is purged.
   */
  async purge(batch = PURGE_BATCH): Promise<{ purged: number }> {
    let purged = 0;
    for (;;) {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT id FROM webhook_deliveries
           WHERE status <> 'pending' AND created_at < now() - make_interval(days => $1)
           LIMIT $2)`,
        [this.config.webhooks.deliveriesRetentionDays, batch],
      );
      purged += deleted;
      if (deleted < batch) return { purged };
    }
  }
}
