import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
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
  /**
   * How often a job that ran past its timeout (its instance crashed, or it hangs) is failed, hence
   * retried: pg-boss's maintenance interval (its default: 120).
   */
  maintenanceSeconds: number;
  /** How long a graceful stop waits for the jobs running (then they are handed back, failed). */
  stopTimeoutMs?: number;
}

export const PGBOSS_SCHEMA = 'pgboss';
const DEFAULT_TIMEOUT_SECONDS = 15 * 60;
/** How often an idle queue is polled (a job due later, or queued by another instance). */
const POLL_MS = 2000;
const DEFAULT_STOP_TIMEOUT_MS = 8000;

type Definition = JobDefinition<JobName> & { retry: RetryPolicy };

/**
 * Background work on pg-boss queues in the app's own PostgreSQL: any instance may take any job, jobs are
 * retried on their own schedule, and a cron fires once per period however many instances run. Modules
 * define their jobs in onModuleInit; the queues start once the app is assembled.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, Definition>();
  private readonly retired: string[] = [];
  /** One fetch loop per job name, and what wakes it. */
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  /** Every job running on this instance: its queue's name, by id. */
  private readonly running = new Map<string, string>();
  private started = false;
  private stopping = false;
  private readonly stopTimeoutMs: number;
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
      maintenanceIntervalSeconds: options.maintenanceSeconds,
    });
    this.stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
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

  /**
   * A job that runs every `everySeconds` (a poller): each run queues the next when it ends, whatever it
   * did, and a per-minute cron re-seeds the chain if it was ever lost (a crash between a run and its
   * successor); policy `waiting-once`, so the chain never forks however many instances run it. `handle`
   * should not throw (a failure is not retried: the next run is the retry).
   */
  definePoller<N extends JobName>(
    name: JobPayloads[N] extends NoPayload ? N : never,
    poller: { everySeconds: number; handle: () => Promise<unknown>; timeoutSeconds?: number },
  ): void {
    const definition: JobDefinition<JobName> = {
      handle: async () => {
        try {
          return await poller.handle();
        } finally {
          await this.enqueueOnce(name, {} as JobPayloads[N], { delaySeconds: poller.everySeconds }).catch(
            (e: unknown) =>
              this.logger.error(
                { job: name, error: String(e) },
                'next run not queued (the cron re-seeds it)',
              ),
          );
        }
      },
      cron: '* * * * *' as never,
      policy: 'waiting-once',
      startNow: true,
      retry: { limit: 0 },
      timeoutSeconds: poller.timeoutSeconds ?? 15 * 60,
    };
    this.define(name, definition);
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

  /**
   * A graceful stop, first part: no new job is fetched, the jobs running are waited for (their outcome
   * recorded) up to `stopTimeoutMs`, and those still running then are handed back (failed: retried on
   * their policy, by another instance or the next start). Before any onApplicationShutdown, because
   * TypeORM's closes the DataSource there, and Nest calls it before ours (both modules are global): jobs
   * then ran on a closed DataSource, and one fetched as pg-boss stopped stayed 'active' until its
   * timeout. pg-boss itself stays open meanwhile, for the requests still being answered to enqueue.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started || this.stopping) return;
    this.stopping = true;
    for (const wake of this.wakers) wake();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      Promise.allSettled(this.loops).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.stopTimeoutMs))),
    ]);
    clearTimeout(timer);
    if (finished) return;
    for (const [id, name] of this.running) {
      try {
        await this.boss.fail(name, id, {
          error: `handed back: the instance stopped while it ran (after ${this.stopTimeoutMs} ms)`,
        });
        this.logger.warn({ job: name, id }, 'job still running at shutdown: handed back, will be retried');
      } catch (err) {
        this.logger.error({ job: name, id, error: (err as Error).message }, 'job not handed back');
      }
    }
  }

  /** Second part, once the HTTP server is closed (nothing enqueues any more): pg-boss stops. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    await this.beforeApplicationShutdown();
    await this.boss.stop({ graceful: false, wait: true });
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
      for (const wake of this.wakers) wake();
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
    this.loops.push(this.loop(name, definition));
    if (definition.cron) await this.boss.schedule(name, definition.cron, {}, { tz: 'UTC' });
    else await this.boss.unschedule(name);
    if (definition.startNow && definition.policy === 'waiting-once') {
      // A run now, even when a job of the name already waits for later: one queued by an instance with a
      // longer interval (a poller whose setting changed, or another process on the same database) is
      // brought forward, else this instance's first run waited for it (up to that interval).
      await this.dataSource.query(
        `UPDATE ${PGBOSS_SCHEMA}.job SET start_after = now()
          WHERE name = $1 AND state = 'created' AND start_after > now()`,
        [name],
      );
      await this.boss.send(name, {});
    }
  }

  /**
   * Fetches and runs the jobs of `name`, up to `concurrency` at once: a slot that frees is refilled at
   * once (pg-boss's own worker waits for its whole batch, then sleeps its polling interval), an idle
   * queue is polled every POLL_MS. Ours rather than pg-boss's `work`, so that a stop knows every job
   * fetched: pg-boss's stop does not wait for a fetch in flight, whose jobs then ran against closed pools
   * and stayed 'active' until their timeout.
   */
  private async loop(name: string, definition: Definition): Promise<void> {
    const concurrency = definition.concurrency ?? 1;
    const runs = new Set<Promise<void>>();
    let woken = false;
    let wakeUp: (() => void) | undefined;
    const wake = () => {
      woken = true;
      wakeUp?.();
    };
    this.wakers.add(wake);
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        if (woken) return resolve();
        const timer = setTimeout(() => resolve(), ms);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      }).finally(() => {
        wakeUp = undefined;
        woken = false;
      });
    try {
      while (!this.stopping) {
        const free = concurrency - runs.size;
        let full = false;
        if (free > 0) {
          woken = false;
          let jobs: PgBoss.JobWithMetadata<JobPayloads[JobName]>[] = [];
          try {
            jobs = await this.boss.fetch<JobPayloads[JobName]>(name, {
              batchSize: free,
              includeMetadata: true,
            });
          } catch (err) {
            this.logger.error({ job: name, error: (err as Error).message }, 'job fetch failed');
          }
          // Fetched as the stop began: run all the same, the stop waits for them.
          for (const job of jobs ?? []) {
            this.running.set(job.id, name);
            const run: Promise<void> = this.runWithin(name, definition, job)
              // Its outcome could not be recorded, or it outlived its timeout: failed if pg-boss can
              // (hence retried), else pg-boss's maintenance expires it.
              .catch(async (err: Error) => {
                this.logger.error({ job: name, id: job.id, error: err.message }, 'job outcome not recorded');
                await this.boss.fail(name, job.id, { error: err.message }).catch(() => undefined);
              })
              .finally(() => {
                this.running.delete(job.id);
                runs.delete(run);
                wake();
              });
            runs.add(run);
          }
          full = (jobs?.length ?? 0) === free;
        }
        // All slots busy: until one frees (which wakes the loop). Queue empty: until woken or next poll.
        await pause(full || free <= 0 ? 60_000 : POLL_MS);
      }
    } finally {
      await Promise.allSettled(runs);
      this.wakers.delete(wake);
    }
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

  /**
   * `run`, but gives up waiting once the job's timeout passes (as pg-boss's own worker does), so that a
   * handler that never settles does not hold one of the queue's slots for ever.
   */
  private async runWithin(
    name: string,
    definition: Definition,
    job: PgBoss.JobWithMetadata<JobPayloads[JobName]>,
  ): Promise<void> {
    const seconds = definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.run(name, definition, job),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`ran longer than its timeout (${seconds} s)`)),
            seconds * 1000,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
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
