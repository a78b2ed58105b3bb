/**
 * One cycle of the chain watcher over 10,000 open invoices (issue 11 §4: "the cost of one cycle grows
 * with the open invoices, not with history"), against a fake Esplora on 127.0.0.1.
 *
 * The app runs in this process (its AppModule, on the bench's scratch database), with the fake as both
 * networks' Esplora and CHAIN_POLL_SECONDS=3600 so that only the cycles asked for here run. The
 * organization gets one store and BENCH_WATCH_INVOICES (default 10,000) testnet invoices within their
 * monitoring window, in SQL, plus 100,000 settled invoices whose window ended (history the cycle must
 * not read). Then:
 *   1. a cycle where 1 % of the addresses were paid (a mempool transaction each): every address polled,
 *      100 charges recorded, each in its transaction with its events and callback;
 *   2. a steady cycle (nothing changed): every address polled, no transaction opened.
 * Reported: the wall time of each cycle, addresses per second, requests Esplora answered.
 * Run alone: `npm run bench:watcher` (DATABASE_URL's server, else an embedded PostgreSQL).
 *
 * Seen on the 2-core development machine (shared with a running e2e suite), 8 addresses at once: the
 * watched-invoices query is a bitmap scan of IDX_checkout_invoices_watch_window plus the pending index
 * (the 100,000 closed invoices are not read); a cycle with 100 new payments 20.9 s (479 addresses/s),
 * a steady cycle 11.6 s (862 addresses/s), 10,001 Esplora requests each (the tip, then one per address).
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
import { ChainWatcherService } from '../src/modules/checkout/watcher/chain-watcher.service.js';
import { BenchEsplora } from './fake-esplora-server.js';

const HISTORY = 100_000;
const PAID_SHARE = 0.01;

export interface WatcherBenchResult {
  invoices: number;
  cycles: { name: string; ms: number; polled: number; changed: number; esploraRequests: number }[];
}

export async function runWatcherBench(options: {
  databaseUrl: string;
  invoices?: number;
  log?: (line: string) => void;
}): Promise<WatcherBenchResult> {
  const invoices = options.invoices ?? positive('BENCH_WATCH_INVOICES', 10_000);
  const log = options.log ?? ((line: string) => process.stdout.write(`[watcher] ${line}\n`));
  const esplora = await BenchEsplora.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-watch-bench-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: options.databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ESPLORA_URL_MAINNET: esplora.url,
    ESPLORA_URL_TESTNET: esplora.url,
    CHAIN_POLL_SECONDS: '3600',
  });
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.databaseUrl, createLogger(config)),
    { bodyParser: false, logger: false },
  );
  setupApp(app, config, createLogger(config));
  await app.init();
  try {
    const addresses = await seed(options.databaseUrl, invoices, log);
    const paid = addresses.filter((_, i) => i % Math.round(1 / PAID_SHARE) === 0);
    for (const address of paid) esplora.paid.set(address, 10_000);
    const watcher = app.get(ChainWatcherService);
    const result: WatcherBenchResult = { invoices, cycles: [] };
    for (const name of [`cycle with ${paid.length} new payments`, 'steady cycle (nothing new)']) {
      const before = esplora.requests;
      const cycle = await untilRun(() => watcher.cycle());
      const testnet = cycle.networks.find((n) => n.network === 'testnet')!;
      const row = {
        name,
        ms: cycle.ms,
        polled: testnet.polled,
        changed: testnet.changed,
        esploraRequests: esplora.requests - before,
      };
      result.cycles.push(row);
      log(
        `${name}: ${row.polled} addresses in ${(row.ms / 1000).toFixed(2)} s ` +
          `(${Math.round((row.polled / row.ms) * 1000)}/s), ${row.changed} invoices changed, ` +
          `${row.esploraRequests} Esplora requests`,
      );
    }
    return result;
  } finally {
    await app.close();
    await esplora.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A poller's run, again until it is not skipped as locked: the boot's own run may hold the lock a moment. */
export async function untilRun<R extends { skipped?: string }>(run: () => Promise<R>): Promise<R> {
  for (;;) {
    const result = await run();
    if (result.skipped !== 'locked') return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One organization, one store, `open` watched invoices and HISTORY closed ones; the open addresses. */
async function seed(databaseUrl: string, open: number, log: (line: string) => void): Promise<string[]> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const {
      rows: [org],
    } = await client.query<{ id: string }>(
      `INSERT INTO organizations (name) VALUES ('Watcher bench') RETURNING id`,
    );
    const {
      rows: [store],
    } = await client.query<{ id: string }>(
      `INSERT INTO checkout_stores (organization_id, name, currency, derivation_scheme, address_type, network,
                                    key_fingerprint, callback_secret)
       VALUES ($1, 'Bench', 'EUR', 'vpub-bench', 'p2wpkh', 'testnet', repeat('0', 64), 'whsec_YmVuY2g=')
       RETURNING id`,
      [org.id],
    );
    // i < 0: history (paid, window over); i >= 0: open invoices.
    await client.query(
      `WITH n AS (SELECT i, gen_random_uuid() AS id FROM generate_series(-$3::int, $4::int - 1) AS i),
            pr AS (
              INSERT INTO payment_requests (id, organization_id, amount, currency, status)
              SELECT id, $1, 1001.54, 'EUR', CASE WHEN i < 0 THEN 'paid' ELSE 'unpaid' END FROM n
            )
       INSERT INTO checkout_invoices
         (id, organization_id, store_id, amount, currency, status, btc_address, address_index, key_path,
          network, btc_rate, btc_amount, btc_rate_source, usd_rate, usd_amount, usd_rate_source,
          rates_fetched_at, required_confirmations, payment_tolerance_percent, expires_at, monitoring_until)
       SELECT id, $1, $2, 1001.54, 'EUR', CASE WHEN i < 0 THEN 'PAID' ELSE 'NEW' END,
              'tb1qbench' || lpad((i + $3)::text, 12, '0'), i + $3, '0/' || (i + $3), 'testnet',
              0.000045692133693556, 0.04576250, 'fixed', 1.18, 1181.8172, 'fixed', now(), 1, 0,
              CASE WHEN i < 0 THEN now() - interval '30 days' ELSE now() + interval '15 minutes' END,
              CASE WHEN i < 0 THEN now() - interval '29 days' ELSE now() + interval '1 day' END
         FROM n`,
      [org.id, store.id, HISTORY, open],
    );
    await client.query('VACUUM ANALYZE checkout_invoices');
    await client.query('VACUUM ANALYZE payment_requests');
    const { rows } = await client.query<{ btc_address: string }>(
      `SELECT btc_address FROM checkout_invoices WHERE organization_id = $1 AND status = 'NEW' ORDER BY address_index`,
      [org.id],
    );
    log(
      `seed: ${open} open and ${HISTORY} closed invoices in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM checkout_invoices WHERE network = 'testnet' AND monitoring_until > now()
       UNION SELECT id FROM checkout_invoices WHERE network = 'testnet' AND pending_sats > 0`,
    );
    log(`watched-invoices plan:\n${plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}`);
    return rows.map((r) => r.btc_address);
  } finally {
    await client.end();
  }
}

export function positive(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a whole number > 0`);
  return value;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const database = await scratchDatabase('pieces_watch_bench');
  try {
    await runWatcherBench({ databaseUrl: database.url });
  } finally {
    await database.dispose();
  }
}
