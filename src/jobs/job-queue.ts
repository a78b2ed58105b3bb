import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logging/logger.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

interface Registration {
  name: string;
  cron?: string;
  handler: () => Promise<unknown>;
}

/**
 * Background work on pg-boss queues in the app's own PostgreSQL: any replica may take any job, a job
 * runs once, and a cron schedule fires once per period however many replicas run. Modules register
 * their jobs in onModuleInit; the queue starts once the app is assembled.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly boss: PgBoss;
  private readonly registrations: Registration[] = [];
  private readonly retired: string[] = [];

  constructor(
    @Inject(DATABASE_URL) databaseUrl: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      max: 4,
      application_name: 'pieces-jobs',
    });
    // pg errors carry their whole client; the message and code are what helps.
    this.boss.on('error', (err: Error & { code?: string }) =>
      this.logger.error({ error: err.message, code: err.code }, 'job queue error'),
    );
  }

  /** `handler` runs for each job of `name`; with `cron`, one job is scheduled per period. */
  register(name: string, handler: () => Promise<unknown>, options: { cron?: string } = {}): void {
    this.registrations.push({ name, handler, cron: options.cron });
  }

  /** A job an earlier version scheduled and this one no longer runs: its schedule is removed. */
  retire(name: string): void {
    this.retired.push(name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.boss.start();
    for (const name of this.retired) await this.boss.unschedule(name);
    for (const { name, cron, handler } of this.registrations) {
      await this.boss.createQueue(name);
      await this.boss.work(name, async () => {
        const result = await handler();
        this.logger.info({ job: name, result }, 'job done');
      });
      if (cron) await this.boss.schedule(name, cron, undefined, { tz: 'UTC' });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  /** Queues one run now (e.g. from a test or an admin action). */
  async runSoon(name: string): Promise<string | null> {
    return this.boss.send(name, {});
  }

  /** The cron of `name` as pg-boss keeps it, or null. */
  async scheduleOf(name: string): Promise<string | null> {
    const schedules = await this.boss.getSchedules();
    return schedules.find((s) => s.name === name)?.cron ?? null;
  }
}
