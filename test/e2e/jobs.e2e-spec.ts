import pg from 'pg';
import { DataSource } from 'typeorm';
import { JobQueue, type JobDefinition, type JobRun, type NoPayload } from '../../src/jobs/job-queue.js';
import { createTestApp, drainJobs, type TestApp } from '../test-app.js';

declare module '../../src/jobs/job-queue.js' {
  interface JobPayloads {
    'test.record': { value: string };
    'test.flaky': { failures: number };
    'test.flaky-backoff': { failures: number };
    'test.cron-tick': NoPayload;
    [stop: `test.stop-${number}`]: { round: number; i: number };
    'test.stop-slow': NoPayload;
    'test.poller': NoPayload;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Drains again and again until `done` holds: retries wait for their delay, which a drain does not. */
async function drainUntil(t: TestApp, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done after ${timeoutMs} ms`);
    await drainJobs(t);
    await sleep(30);
  }
}

describe('jobs (pg-boss, typed)', () => {
  let t: TestApp;
  let db: DataSource;
  const recorded: string[] = [];
  const flaky: { value: number; attempt: number; at: number }[] = [];

  const failFirst = (payload: { failures: number }, run: JobRun): Promise<void> => {
    flaky.push({ value: payload.failures, attempt: run.attempt, at: Date.now() });
    if (run.attempt <= payload.failures) return Promise.reject(new Error(`attempt ${run.attempt} fails`));
    return Promise.resolve();
  };

  beforeAll(async () => {
    t = await createTestApp(
      {},
      {
        beforeInit: (app) => {
          const jobs = app.get(JobQueue);
          jobs.define('test.record', {
            handle: ({ value }) => {
              recorded.push(value);
              return Promise.resolve();
            },
          });
          jobs.define('test.flaky', { handle: failFirst, retry: { delaysSeconds: [1, 2] } });
          jobs.define('test.flaky-backoff', { handle: failFirst, retry: { limit: 1, delaySeconds: 1 } });
        },
      },
    );
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const jobs = () => t.app.get(JobQueue);
  const stateOf = async (name: string, id: string) =>
    (
      await db.query<{ state: string }[]>(`SELECT state FROM pgboss.job WHERE name = $1 AND id = $2`, [
        name,
        id,
      ])
    )[0]?.state;

  it('runs a job enqueued in a transaction once it commits, and once only; never one rolled back', async () => {
    let rolledBackId: string | undefined;
    await expect(
      db.transaction(async (manager) => {
        rolledBackId = await jobs().enqueue(
          'test.record',
          { value: 'rolled back' },
          { transaction: manager },
        );
        throw new Error('the caller changes its mind');
      }),
    ).rejects.toThrow('changes its mind');

    let committedId = '';
    await db.transaction(async (manager) => {
      committedId = await jobs().enqueue('test.record', { value: 'committed' }, { transaction: manager });
      // Written, but no worker can see it before the commit.
      await drainJobs(t);
      expect(recorded).not.toContain('committed');
    });
    await drainJobs(t);
    await sleep(300);
    await drainJobs(t);

    expect(recorded.filter((v) => v === 'committed')).toHaveLength(1);
    expect(recorded).not.toContain('rolled back');
    expect(await stateOf('test.record', committedId)).toBe('completed');
    expect(rolledBackId).toBeDefined();
    expect(await stateOf('test.record', rolledBackId!)).toBeUndefined();
  });

  it('types each payload by its job name (tsc checks the lines marked), and refuses at run time what types would', async () => {
    // @ts-expect-error -- no job has this name
    await expect(jobs().enqueue('test.unknown', {})).rejects.toThrow(/not defined/);
    // @ts-expect-error -- a cron sends no payload: only jobs without one may have a cron
    const withCron: JobDefinition<'test.record'> = { handle: () => Promise.resolve(), cron: '* * * * *' };
    expect(() => jobs().define('test.record', withCron)).toThrow(/after the queue started/);
    // @ts-expect-error -- test.record's payload is { value: string } (not sent: pg-boss takes any JSON)
    const wrongPayload = () => jobs().enqueue('test.record', { failures: 1 });
    expect(wrongPayload).toBeInstanceOf(Function);
  });

  it('refuses a job of an undefined name, and a "transaction" that is none', async () => {
    await expect(
      jobs().enqueue('test.cron-tick', {}), // declared for the cron test, defined by no module of this app
    ).rejects.toThrow(/not defined/);
    await expect(jobs().enqueue('test.record', { value: 'x' }, { transaction: db.manager })).rejects.toThrow(
      /not in a transaction/,
    );
  });

  it('retries a failing job after each delay of its own schedule, then completes it', async () => {
    flaky.length = 0;
    const id = await jobs().enqueue('test.flaky', { failures: 2 });
    await drainUntil(t, () => flaky.length >= 3, 15_000);
    await drainJobs(t);
    expect(flaky.map((f) => f.attempt)).toEqual([1, 2, 3]);
    const gaps = [flaky[1].at - flaky[0].at, flaky[2].at - flaky[1].at];
    // 1 s then 2 s, measured from the end of a failed run to the start of the next one (plus polling).
    expect(gaps[0]).toBeGreaterThanOrEqual(950);
    expect(gaps[0]).toBeLessThan(1900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1950);
    expect(gaps[1]).toBeLessThan(2900);
    expect(await stateOf('test.flaky', id)).toBe('completed');
  });

  it('gives up once the schedule is spent: the job stays failed, with its error', async () => {
    flaky.length = 0;
    const id = await jobs().enqueue('test.flaky', { failures: 10 });
    await drainUntil(t, () => flaky.length >= 3, 15_000);
    await sleep(2500);
    await drainJobs(t);
    expect(flaky.map((f) => f.attempt)).toEqual([1, 2, 3]);
    const [job] = await db.query<{ state: string; output: { error: string } }[]>(
      `SELECT state, output FROM pgboss.job WHERE name = 'test.flaky' AND id = $1`,
      [id],
    );
    expect(job).toEqual({ state: 'failed', output: { error: 'attempt 3 fails' } });
  });

  it("also takes pg-boss's own policy (a limit and a delay)", async () => {
    flaky.length = 0;
    const id = await jobs().enqueue('test.flaky-backoff', { failures: 10 });
    await drainUntil(t, () => flaky.length >= 2, 10_000);
    await sleep(1500);
    await drainJobs(t);
    expect(flaky.map((f) => f.attempt)).toEqual([1, 2]);
    expect(flaky[1].at - flaky[0].at).toBeGreaterThanOrEqual(950);
    expect(await stateOf('test.flaky-backoff', id)).toBe('failed');
  });

  describe('cron, with two instances on one database', () => {
    const ticks: string[] = [];
    let a: TestApp;
    let b: TestApp;

    const instance = (label: string) =>
      createTestApp(
        // Each instance looks every second whether a schedule is due (default 30 s).
        { JOBS_CRON_CHECK_SECONDS: '1' },
        {
          beforeInit: (app) =>
            app.get(JobQueue).define('test.cron-tick', {
              handle: () => {
                ticks.push(label);
                return Promise.resolve();
              },
              cron: '* * * * *',
            }),
        },
      );

    afterAll(async () => {
      await db.query(`DELETE FROM pgboss.schedule WHERE name = 'test.cron-tick'`);
      await Promise.all([a?.close(), b?.close()]);
    });

    it('keeps one schedule and runs one job per period', async () => {
      // An every-minute cron fires once per minute: start early in a minute, so the whole test fits in it.
      const second = new Date().getUTCSeconds();
      if (second > 35) await sleep((61 - second) * 1000);
      const started = new Date().getUTCMinutes();
      [a, b] = await Promise.all([instance('a'), instance('b')]);

      const deadline = Date.now() + 15_000;
      while (ticks.length === 0 && Date.now() < deadline) await sleep(100);
      // Both instances check every second: a few more checks each, and still one run.
      await sleep(4000);
      expect(new Date().getUTCMinutes()).toBe(started);
      expect(ticks).toHaveLength(1);
      const [{ count }] = await db.query<{ count: number }[]>(
        `SELECT count(*)::int AS count FROM pgboss.schedule WHERE name = 'test.cron-tick'`,
      );
      expect(count).toBe(1);
      expect(await a.app.get(JobQueue).scheduleOf('test.cron-tick')).toBe('* * * * *');
    }, 75_000); // up to 25 s waiting for a new minute, two apps starting, the cron's first check
  });
});

/**
 * A graceful stop (what SIGTERM runs: app.close()) while jobs run: no new job is fetched, the jobs
 * running finish with the database still open and their outcome recorded, one fetched as the stop began
 * included; one still running after the stop's timeout is handed back (retried), never left 'active'.
 */
describe('jobs: graceful stop', () => {
  const QUEUES = 4;
  const PER_QUEUE = 60;
  const db = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  /** `${round}.${queue}.${i}` of each job whose handler ran to its end, the database still answering. */
  const finished = new Set<string>();
  const started = new Set<string>();

  beforeAll(() => db.connect());
  afterAll(async () => {
    await db.query(`DELETE FROM pgboss.job WHERE name LIKE 'test.stop-%'`);
    await db.end();
  });

  const instance = (env: Record<string, string> = {}) =>
    createTestApp(env, {
      beforeInit: (app) => {
        const jobs = app.get(JobQueue);
        const dataSource = app.get(DataSource);
        for (let q = 0; q < QUEUES; q++) {
          jobs.define(`test.stop-${q}`, {
            handle: async ({ round, i }) => {
              started.add(`${round}.${q}.${i}`);
              await dataSource.query('SELECT pg_sleep(0.002)');
              finished.add(`${round}.${q}.${i}`);
            },
            concurrency: 2,
          });
        }
        jobs.define('test.stop-slow', {
          handle: () => sleep(4000),
          retry: { delaysSeconds: [60] },
        });
      },
    });

  const states = async (namePattern: string) =>
    Object.fromEntries(
      (
        await db.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name LIKE $1 GROUP BY state`,
          [namePattern],
        )
      ).rows.map((r) => [r.state, r.n]),
    );

  it('leaves no job active: those running finish and are recorded as completed', async () => {
    for (let round = 0; round < 3; round++) {
      const t = await instance();
      const jobs = t.app.get(JobQueue);
      for (let q = 0; q < QUEUES; q++) {
        for (let i = 0; i < PER_QUEUE; i++) await jobs.enqueue(`test.stop-${q}`, { round, i });
      }
      // Stop while every queue is busy fetching and running.
      while ([...started].filter((k) => k.startsWith(`${round}.`)).length < QUEUES * 20) await sleep(2);
      await t.close();
      expect(await states('test.stop-_')).not.toHaveProperty('active');
      // Each job whose handler began ran to its end on an open database, and its outcome is recorded.
      expect([...started].filter((k) => !finished.has(k))).toEqual([]);
      const { rows } = await db.query<{ key: string }>(
        `SELECT concat(data->>'round', '.', substr(name, 11), '.', data->>'i') AS key
           FROM pgboss.job WHERE name LIKE 'test.stop-_' AND state = 'completed'`,
      );
      expect(new Set(rows.map((r) => r.key))).toEqual(finished);
    }
  }, 60_000);

  it('hands back a job still running when the stop gives up waiting: retried, not left active', async () => {
    const t = await instance({ JOBS_STOP_TIMEOUT_SECONDS: '1' });
    const id = await t.app.get(JobQueue).enqueue('test.stop-slow', {});
    const stateOf = async () =>
      (await db.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE id = $1`, [id])).rows[0]?.state;
    while ((await stateOf()) !== 'active') await sleep(20);
    const stopping = Date.now();
    await t.close();
    expect(Date.now() - stopping).toBeLessThan(3500);
    expect(await stateOf()).toBe('retry');
  }, 30_000);
});

describe('a poller (definePoller)', () => {
  it('runs at once on start, even when an earlier instance queued its next run far later', async () => {
    const runs: { instance: string; at: number }[] = [];
    const withPoller = (instance: string, everySeconds: number) =>
      createTestApp(
        {},
        {
          beforeInit: (app) =>
            app.get(JobQueue).definePoller('test.poller', {
              everySeconds,
              handle: () => {
                runs.push({ instance, at: Date.now() });
                return Promise.resolve();
              },
            }),
        },
      );
    // The first instance runs, then queues its next run an hour out, and stops.
    const first = await withPoller('hourly', 3600);
    try {
      for (let i = 0; i < 200 && runs.length === 0; i++) await sleep(50);
      expect(runs.map((r) => r.instance)).toEqual(['hourly']);
      let waiting = '0';
      for (let i = 0; i < 100 && waiting !== '1'; i++) {
        const [{ count }] = await first.app
          .get(DataSource)
          .query<{ count: string }[]>(
            `SELECT count(*) FROM pgboss.job WHERE name = 'test.poller' AND state = 'created' AND start_after > now() + interval '50 minutes'`,
          );
        waiting = count;
        if (waiting !== '1') await sleep(50);
      }
      expect(waiting).toBe('1');
    } finally {
      await first.close();
    }
    // Another with a 1 s interval (a setting changed) runs now, and every second after, not in an hour.
    const second = await withPoller('every second', 1);
    try {
      for (let i = 0; i < 300 && runs.filter((r) => r.instance === 'every second').length < 2; i++)
        await sleep(50);
      expect(runs.filter((r) => r.instance === 'every second').length).toBeGreaterThanOrEqual(2);
    } finally {
      await second.close();
    }
  }, 60_000);
});
