import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { LOGGER } from '../common/logging/logger.js';
import { DEFAULT_RETRY, explicitDelayAfter, queueRetryOptions, type RetryPolicy } from './retry-policy.js';

/**
 * Every job of the app: its name → its payload. Each module declares its own beside the code that runs
 * them, and TypeScript merges the declarations:
 *
 *     declare module '../../jobs/job-queue.js' {
 *       interface JobPayloads { 'uploads-expire': NoPayload }
 *     }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules' declarations
export interface JobPayloads {}
export type JobName = Extract<keyof JobPayloads, string>;
/** The payload of a job that needs none (every cron job). */
export type NoPayload = Record<string, never>;

export interface JobRun {
  id: string;
  /** 1 for the first run, 2 for the first retry, … */
  attempt: number;
}

export interface JobDefinition<N extends JobName> {
  /**
   * Runs each job. A job runs at least once: one interrupted (crash, timeout) runs again, so the handler
   * must be idempotent. Throwing fails the run; the retry policy says when it runs again.
   */
  handle: (payload: JobPayloads[N], run: JobRun) => Promise<unknown>;
  /** Default: DEFAULT_RETRY (30 s, then 5 min). */
  retry?: RetryPolicy;
  /** A UTC cron: one job per period, however many instances run. Only for jobs without payload. */
  cron?: JobPayloads[N] extends NoPayload ? string : never;
  /** A run longer than this fails (and is retried); also how soon a crashed instance's job runs again. */
  timeoutSeconds?: number;
  /** How many jobs of this name one instance runs at once (default 1). */
  concurrency?: number;
  /**
   * `waiting-once`: at most one job of the name waits to run (queued or due later), however many
   * instances queue one; another is dropped (enqueueOnce answers null). For a self-rescheduling job
   * whose chain a cron re-seeds: the chain cannot fork. Default: every job queued is kept.
   */
  policy?: 'waiting-once';
  /** With `waiting-once`: one job is queued when the queue starts (unless one is waiting), not at the cron. */
  startNow?: boolean;
}

export interface EnqueueOptions {
  /**
   * The caller's transaction: the job is written in it, so it exists if and only if the transaction
   * commits (and no worker sees it before).
   */
  transaction?: EntityManager;
  /** Not before this many seconds from now. */
  delaySeconds?: number;
}

export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

export interface JobsOptions {
  databaseUrl: string;
  /** How often each instance looks whether a cron schedule is due (pg-boss's default: 30). */
  cronCheckSeconds: number;
}

const PGBOSS_SCHEMA = 'pgboss';
const DEFAULT_TIMEOUT_SECONDS = 15 * 60;

type Definition = JobDefinition<JobName> & { retry: RetryPolicy };

/**
 * Background work on pg-boss queues in the app's own PostgreSQL: any instance may take any job, jobs are
 * retried on their own schedule, and a cron fires once per period however many instances run. Modules
 * define their jobs in onModuleInit; the queues start once the app is assembled.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, Definition>();
  private readonly retired: string[] = [];
  private readonly workerIds: string[] = [];
  private started = false;
  /** When this instance's queue started, by the database's clock (drain looks at jobs since). */
  private startedAt: Date | undefined;

  constructor(
    @Inject(JOBS_OPTIONS) options: JobsOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: PGBOSS_SCHEMA,
      max: 4,
      application_name: 'pieces-jobs',
      cronMonitorIntervalSeconds: options.cronCheckSeconds,
      cronWorkerIntervalSeconds: Math.min(options.cronCheckSeconds, 5),
    });
    // pg errors carry their whole client; the message and code are what helps.
    this.boss.on('error', (err: Error & { code?: string }) =>
      this.logger.error({ error: err.message, code: err.code }, 'job queue error'),
    );
  }

  /** Defines the job `name`: its handler, retry policy and cron. Before the app starts (onModuleInit). */
  define<N extends JobName>(name: N, definition: JobDefinition<N>): void {
    if (this.started)
      throw new Error(`job ${name} defined after the queue started: define it in onModuleInit`);
    if (this.definitions.has(name)) throw new Error(`job ${name} is defined twice`);
    queueRetryOptions(definition.retry ?? DEFAULT_RETRY); // refuses a bad policy at boot, not at the first failure
    this.definitions.set(name, {
      ...(definition as JobDefinition<JobName>),
      retry: definition.retry ?? DEFAULT_RETRY,
    });
  }

  /** A job an earlier version scheduled and this one no longer runs: its schedule is removed. */
  retire(name: string): void {
    this.retired.push(name);
  }

  /** Queues one job; with `transaction`, as part of it. Returns the job's id. */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: EnqueueOptions = {},
  ): Promise<string> {
    if (!this.definitions.has(name)) throw new Error(`job ${name} is not defined`);
    const id = await this.boss.send(name, payload as object, {
      startAfter: options.delaySeconds,
      db: options.transaction ? onTransaction(options.transaction) : undefined,
    });
    // pg-boss answers null when the queue does not exist: a job silently lost unless we say so.
    if (!id) throw new Error(`job ${name} was not queued (its queue does not exist yet)`);
    return id;
  }

  /**
   * Queues the job unless one of the name is already waiting to run, on any instance: the job's id, or
   * null when one was waiting. Only for a job defined with policy `waiting-once`.
   */
  async enqueueOnce<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    options: Omit<EnqueueOptions, 'transaction'> = {},
  ): Promise<string | null> {
    const definition = this.definitions.get(name);
    if (definition?.policy !== 'waiting-once') throw new Error(`job ${name} is not defined waiting-once`);
    return this.boss.send(name, payload as object, { startAfter: options.delaySeconds });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.boss.start();
    this.started = true;
    [{ now: this.startedAt }] = await this.dataSource.query<{ now: Date }[]>('SELECT now() AS now');
    for (const name of this.retired) await this.boss.unschedule(name);
    for (const [name, definition] of this.definitions) await this.start(name, definition);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }

  /** The cron of `name` as pg-boss keeps it, or null. */
  async scheduleOf(name: string): Promise<string | null> {
    const schedules = await this.boss.getSchedules();
    return schedules.find((s) => s.name === name)?.cron ?? null;
  }

  /**
   * For tests and scripts: wakes this instance's workers and returns once no job of a name it defines,
   * queued since this instance started, is due or running (on any instance). Older jobs are another
   * instance's business: one that instance left running when it stopped waits for its timeout. Jobs
   * waiting for a later time (a retry's delay) are not waited for.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    const names = [...this.definitions.keys()];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const id of this.workerIds) this.boss.notifyWorker(id);
      const [{ count }] = await this.dataSource.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM ${PGBOSS_SCHEMA}.job
          WHERE name = ANY($1) AND created_on >= $2
            AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))`,
        [names, this.startedAt],
      );
      if (count === 0) return;
      if (Date.now() > deadline)
        throw new Error(`${count} job(s) still due or running after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async start(name: string, definition: Definition): Promise<void> {
    // On the queue, so that every job of the name has them, those a cron sends included.
    const queue = {
      name,
      ...queueRetryOptions(definition.retry),
      expireInSeconds: definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      // pg-boss's `short`: a unique index lets one job of the name exist in state created.
      ...(definition.policy === 'waiting-once' ? { policy: 'short' as const } : {}),
    };
    await this.setUpQueue(name, queue);
    const worker = { id: '' };
    worker.id = await this.boss.work<JobPayloads[JobName]>(
      name,
      { includeMetadata: true, batchSize: definition.concurrency ?? 1 },
      async (jobs) => {
        // pg-boss's worker sleeps its polling interval even after a full batch: while there is work,
        // it is woken at once instead (else a queue drains at one batch per 2 s).
        this.boss.notifyWorker(worker.id);
        const outcomes = await Promise.allSettled(jobs.map((job) => this.run(name, definition, job)));
        // A run whose outcome could not be recorded: pg-boss then fails the batch's jobs still active.
        const lost = outcomes.find((o) => o.status === 'rejected');
        if (lost) throw lost.reason;
      },
    );
    this.workerIds.push(worker.id);
    if (definition.cron) await this.boss.schedule(name, definition.cron, {}, { tz: 'UTC' });
    else await this.boss.unschedule(name);
    if (definition.startNow && definition.policy === 'waiting-once') await this.boss.send(name, {});
  }

  /**
   * Creates the queue, or gives one an earlier version created today's policy. Instances that boot at
   * once may deadlock in pg-boss's create_queue (it creates a partition table) or collide on its insert:
   * seen as "deadlock detected" in a two-instance test. The loser retries and finds the queue made.
   */
  private async setUpQueue(name: string, queue: PgBoss.Queue): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(name, queue);
        await this.boss.updateQueue(name, queue);
        return;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (attempt >= 5 || !['40P01', '23505', '40001'].includes(code ?? '')) throw e;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
      }
    }
  }

  /** Runs one job and records its outcome; throws only when the outcome could not be recorded. */
  private async run(
    name: string,
    definition: Definition,
    job: PgBoss.JobWithMetadata<JobPayloads[JobName]>,
  ): Promise<void> {
    const attempt = job.retryCount + 1;
    let result: unknown;
    try {
      result = await definition.handle(job.data, { id: job.id, attempt });
    } catch (err) {
      await this.fail(name, definition, job, err);
      return;
    }
    await this.boss.complete(name, job.id, { result: result ?? null });
    this.logger.info({ job: name, id: job.id, attempt, result }, 'job done');
  }

  private async fail(
    name: string,
    definition: Definition,
    job: PgBoss.JobWithMetadata<JobPayloads[JobName]>,
    err: unknown,
  ): Promise<void> {
    const attempt = job.retryCount + 1;
    const error = err instanceof Error ? err.message : String(err);
    // pg-boss waits `retry_delay` before the retry; with a list of delays, the job's row takes the one
    // for this attempt first, in the same transaction as pg-boss's own failure of the job.
    const delay = explicitDelayAfter(definition.retry, job.retryCount);
    await this.dataSource.transaction(async (manager) => {
      if (delay !== null) {
        await manager.query(
          `UPDATE ${PGBOSS_SCHEMA}.job SET retry_delay = $3 WHERE name = $1 AND id = $2 AND state = 'active'`,
          [name, job.id, delay],
        );
      }
      await this.boss.fail(name, job.id, { error }, { db: onTransaction(manager) });
    });
    const retrying = job.retryCount < job.retryLimit;
    this.logger[retrying ? 'warn' : 'error'](
      {
        job: name,
        id: job.id,
        attempt,
        error,
        ...(delay !== null && retrying ? { retryInSeconds: delay } : {}),
      },
      retrying ? 'job failed, will be retried' : 'job failed, no retry left',
    );
  }
}

/** pg-boss's `db` option on a TypeORM transaction: its statements run in (and commit with) the caller's. */
function onTransaction(manager: EntityManager): PgBoss.Db {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('the EntityManager given is not in a transaction');
  return {
    executeSql: async (text: string, values: unknown[]) => ({
      rows: ((await runner.query(text, values, true)) as { records: unknown[] }).records,
    }),
  };
}
