import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue, type NoPayload } from '../../jobs/job-queue.js';
import { IDEMPOTENCY_TTL_HOURS } from './idempotency.interceptor.js';

export const IDEMPOTENCY_PURGE_JOB = 'idempotency-keys-purge';

declare module '../../jobs/job-queue.js' {
  interface JobPayloads {
    [IDEMPOTENCY_PURGE_JOB]: NoPayload;
  }
}

/** Forgets idempotency keys past their 24 hours, hourly, once across replicas (a cron job). */
@Injectable()
export class IdempotencyPurger implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  onModuleInit(): void {
    this.jobs.define(IDEMPOTENCY_PURGE_JOB, { handle: () => this.purge(), cron: '41 * * * *' });
  }

  /** The DELETE is idempotent and indexed (created_at): a run repeated after a crash costs one query. */
  async purge(): Promise<{ purged: number }> {
    const [, purged] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [IDEMPOTENCY_TTL_HOURS],
    );
    return { purged };
  }
}
