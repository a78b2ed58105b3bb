/**
 * One run of the Lightning watcher over the open invoices of payment requests (issue 12 §3: background
 * work whose cost grows with the open invoices, not with history), on the dev backend (its invoices are
 * in the same PostgreSQL: each lookup is one indexed read, so what is measured is the watcher itself).
 *
 * The app runs in this process (its AppModule, on the bench's scratch database) with
 * LIGHTNING_POLL_SECONDS=3600, so that only the runs asked for here run. One organization gets
 * BENCH_LIGHTNING_OPEN (default 2,000: one run's batch, OPEN_PER_RUN) open invoices, each of its own
 * payment request, and 100,000 settled ones (history the run must not read), in SQL. Then:
 *   1. a run where 1 % were paid at the node: every open invoice looked up, 20 settled, each into one
 *      `lightning` charge in its transaction with its events;
 *   2. a steady run (nothing paid): every open invoice looked up, nothing written.
 * Reported: the wall time of each run, lookups per second.
 * Run alone: `npm run bench:lightning` (DATABASE_URL's server, else an embedded PostgreSQL).
 *
 * Seen on the 2-core development machine (quiet): the open invoices are read through
 * IDX_lightning_payments_open (the 100,000 settled ones are not read); a run with 20 paid 1.35 s
 * (1,479 lookups/s), a steady run 0.56 s (3,568 lookups/s), 8 lookups at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import { scratchDatabase } from '../scripts/database-url.js';
import { AppModule } from '../src/app.module.js';
import { setupApp } from '../src/app.setup.js';
import { createLogger } from '../src/common/logging/logger.js';
import { loadConfig } from '../src/config/app-config.js';
import {
  LightningWatcherService,
  OPEN_PER_RUN,
} from '../src/modules/lightning-payments/lightning-watcher.service.js';
import { positive, untilRun } from './watcher-bench.js';

const HISTORY = 100_000;
const PAID_SHARE = 0.01;

export interface LightningWatcherBenchResult {
  open: number;
  runs: { name: string; ms: number; looked: number; settled: number }[];
}

export async function runLightningWatcherBench(options: {
  databaseUrl: string;
  open?: number;
  log?: (line: string) => void;
}): Promise<LightningWatcherBenchResult> {
  const open = options.open ?? positive('BENCH_LIGHTNING_OPEN', OPEN_PER_RUN);
  const log = options.log ?? ((line: string) => process.stdout.write(`[lightning] ${line}\n`));
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-ln-bench-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    LIGHTNING_BACKEND: 'dev',
    LIGHTNING_POLL_SECONDS: '3600',
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.databaseUrl, createLogger(config)),
    { bodyParser: false, logger: false },
  );
  setupApp(app, config, createLogger(config));
  await app.init();
  try {
    await seed(options.databaseUrl, open, log);
    const watcher = app.get(LightningWatcherService);
    const result: LightningWatcherBenchResult = { open, runs: [] };
    for (const name of [`run with ${Math.round(open * PAID_SHARE)} paid`, 'steady run (nothing paid)']) {
      const started = Date.now();
      const run = await untilRun(() => watcher.run());
      const row = { name, ms: Date.now() - started, looked: run.looked, settled: run.settled };
      result.runs.push(row);
      log(
        `${name}: ${row.looked} invoices looked up in ${(row.ms / 1000).toFixed(2)} s ` +
          `(${Math.round((row.looked / row.ms) * 1000)}/s), ${row.settled} settled into charges`,
      );
    }
    return result;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `open` open invoices (1 % of them paid at the dev node) and HISTORY settled ones, each with its request. */
async function seed(databaseUrl: string, open: number, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const {
      rows: [org],
    } = await client.query<{ id: string }>(
      `INSERT INTO organizations (name) VALUES ('Lightning bench') RETURNING id`,
    );
    // i < 0: history (settled); i >= 0: open invoices, every 1/PAID_SHARE-th paid at the node.
    await client.query(
      `WITH n AS (SELECT i, gen_random_uuid() AS id,
                         encode(sha256(('bench-' || i)::bytea), 'hex') AS hash
                    FROM generate_series(-$2::int, $3::int - 1) AS i),
            pr AS (
              INSERT INTO payment_requests (id, organization_id, amount, currency, status)
              SELECT id, $1, 10.00, 'EUR', CASE WHEN i < 0 THEN 'paid' ELSE 'unpaid' END FROM n
            ),
            dev AS (
              INSERT INTO lightning_dev_invoices
                (payment_hash, preimage, payment_request, amount_msat, description, created_at, expires_at,
                 settled_at, amount_paid_msat)
              SELECT hash, encode(sha256(('pre-' || i)::bytea), 'hex'), 'lnbcrt-bench', 456925000,
                     'bench', now(), now() + interval '15 minutes',
                     CASE WHEN i < 0 OR i % $4::int = 0 THEN now() END,
                     CASE WHEN i < 0 OR i % $4::int = 0 THEN 456925000 END
                FROM n
            )
       INSERT INTO lightning_payments
         (organization_id, payment_request_id, payment_hash, bolt11, amount, currency, amount_msat, rate,
          rate_source, rate_fetched_at, state, created_at, expires_at, settled_at, amount_paid_msat, closed_at)
       SELECT $1, id, hash, 'lnbcrt-bench', 10.00, 'EUR', 456925000, 0.000045692133693556, 'fixed', now(),
              CASE WHEN i < 0 THEN 'settled' ELSE 'open' END,
              now() - CASE WHEN i < 0 THEN interval '30 days' ELSE interval '0' END,
              now() + interval '15 minutes' - CASE WHEN i < 0 THEN interval '30 days' ELSE interval '0' END,
              CASE WHEN i < 0 THEN now() - interval '30 days' END,
              CASE WHEN i < 0 THEN 456925000 END,
              CASE WHEN i < 0 THEN now() - interval '30 days' END
         FROM n`,
      [org.id, HISTORY, open, Math.round(1 / PAID_SHARE)],
    );
    for (const table of ['lightning_payments', 'lightning_dev_invoices', 'payment_requests'])
      await client.query(`VACUUM ANALYZE ${table}`);
    log(
      `seed: ${open} open and ${HISTORY} settled invoices in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT * FROM lightning_payments WHERE state = 'open' ORDER BY expires_at LIMIT ${OPEN_PER_RUN}`,
    );
    log(`open-invoices plan:\n${plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
  } finally {
    await client.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const database = await scratchDatabase('pieces_ln_bench');
  try {
    await runLightningWatcherBench({ databaseUrl: database.url });
  } finally {
    await database.dispose();
  }
}
