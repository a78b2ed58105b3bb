/**
 * GET /api/v1/bank-operations/{id}/suggestions under load, with 100,000 receipts and 100,000 bank
 * operations in the organization.
 *
 * `runSuggestionsBench` is meant to be called by the main bench once the organization holds its 100,000
 * receipts: it seeds 100,000 bank operations in SQL (60 % derived from receipts: same TTC amount, a few days
 * later, half of them with the receipt's reference in the label; 40 % unrelated debits), settles the tables
 * (VACUUM ANALYZE, CHECKPOINT), prints the plan of the candidates query, then requests the suggestions of
 * random operations with autocannon. Run alone (`npm run bench:suggestions`), it starts its own app on a
 * scratch database and seeds the receipts first (bench/seed.ts).
 *
 * The candidates query (receipts.repository.ts `candidatesQuery`) is a UNION of three bounded index
 * lookups, never a scan of the organization's receipts. EXPLAIN (ANALYZE, BUFFERS) seen on 100,000 receipts
 * and 100,000 operations (embedded PostgreSQL 18, 2 cores), for "VIR SEPA BILLET DE TRAIN PARIS-LYON REF
 * REF-055355" (-1541.65 on 2020-10-03), condensed:
 *
 *   Unique (actual time=2.244..2.258 rows=25)
 *     -> Append (rows=27)
 *       1. same TTC amount:  Limit 25 <- Sort by |operation_date - day|
 *            <- Index Scan using "IDX_receipts_org_amount_with_vat" (rows=1)
 *                 Index Cond: (organization_id = $1 AND amount_with_vat = ANY ('{1541.65}'))
 *                 Filter: (affectation_id IS NULL)
 *       2. dated ±15 days:   Nested Loop (rows=25)
 *            -> HashAggregate <- Limit 25 <- Sort by |amount_with_vat - 1541.65| (top-N heapsort)
 *                 <- Index Only Scan using "IDX_receipts_unaffected_operation_date" (rows=1389, Heap Fetches: 0)
 *                      Index Cond: (organization_id = $1 AND operation_date BETWEEN day - 15 days AND day + 15 days)
 *            -> Index Scan using the primary key (loops=25)
 *       3. reference in label: Limit 25 <- Sort by id DESC
 *            <- Index Scan using "IDX_receipts_org_reference_lower" (rows=1)
 *                 Index Cond: (organization_id = $1 AND lower(reference) = ANY ('{ref-055355,055355}'))
 *   Planning Time: 0.859 ms   Execution Time: 2.318 ms (cold buffers)
 *   Warm, over 200 random operations: median 0.6 ms, p99 1.0 ms.
 *
 * Figures seen on that machine (10 s, after a 3 s warm-up, app + PostgreSQL + autocannon on 2 cores):
 * 8 connections (the default) ≈ 535 req/s, p50 14 ms, p99 28–30 ms; 16 connections ≈ 530–560 req/s,
 * p99 47–54 ms (the 2 cores are saturated: more connections only queue).
 *
 * (The run prints the plan it actually got, for the operation it picked.)
 */
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { scratchDatabase } from '../scripts/database-url.js';
import { candidateCriteria } from '../src/modules/affectations/candidate-criteria.js';
import { candidatesQuery } from '../src/modules/receipts/receipts.repository.js';
import { freePort, startApp } from './app-process.js';
import { seedReceipts, settle } from './seed.js';

export const SUGGESTIONS_BENCH_OPERATIONS = 100_000;
const SAMPLE_IDS = 5_000;
const DEFAULT_CONNECTIONS = 8;
/** The app's default APP_TIMEZONE; only used to build the EXPLAINed query like the app does. */
const TIME_ZONE = 'Europe/Paris';

export interface SuggestionsBenchOptions {
  baseUrl: string;
  apiKey: string;
  databaseUrl: string;
  organizationId: string;
  durationSeconds: number;
  /** Concurrent connections; default 8. */
  connections?: number;
  /** Called after seeding and warm-up, right before the measured load (to start CPU and RSS probes). */
  beforeMeasure?: () => void;
}

export interface SuggestionsBenchResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function runSuggestionsBench(opts: SuggestionsBenchOptions): Promise<SuggestionsBenchResult> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  let ids: string[];
  try {
    const started = Date.now();
    const inserted = await seedOperations(client, opts.organizationId, SUGGESTIONS_BENCH_OPERATIONS);
    log(
      `seeded ${inserted} bank operations, vacuumed and checkpointed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const sample = await client.query<{ id: string }>(
      `SELECT id FROM bank_operations WHERE organization_id = $1 ORDER BY random() LIMIT $2`,
      [opts.organizationId, SAMPLE_IDS],
    );
    ids = sample.rows.map((r) => r.id);
    if (ids.length === 0) throw new Error('no bank operation to ask suggestions for');
    await explainCandidates(client, opts.organizationId);
  } finally {
    await client.end();
  }

  const headers = { Authorization: `Bearer ${opts.apiKey}` };
  const pick = () => `/api/v1/bank-operations/${ids[Math.floor(Math.random() * ids.length)]}/suggestions`;
  const connections = opts.connections ?? DEFAULT_CONNECTIONS;
  // Unreported warm-up: a cold JIT and cold caches should not count.
  await load(opts.baseUrl, headers, pick, connections, Math.min(3, opts.durationSeconds));
  opts.beforeMeasure?.();
  const result = await load(opts.baseUrl, headers, pick, connections, opts.durationSeconds);
  const ok = result.statusCodeStats['200']?.count ?? 0;
  return {
    requests: result.requests.total,
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.requests.total - ok + result.errors,
  };
}

function load(
  baseUrl: string,
  headers: Record<string, string>,
  path: () => string,
  connections: number,
  durationSeconds: number,
): Promise<autocannon.Result> {
  // `requests` with `setupRequest` is autocannon API that bench/autocannon.d.ts does not declare.
  const options = {
    url: `${baseUrl}/api/v1/bank-operations`,
    method: 'GET' as const,
    headers,
    connections,
    duration: durationSeconds,
    timeout: 10,
    title: 'GET /api/v1/bank-operations/{id}/suggestions',
    requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: path() }) }],
  };
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/**
 * Brings the organization to `total` bank operations on one account, in one INSERT ... SELECT: 60 % taken
 * from its receipts (signed TTC amount, 0 to 3 days after the receipt's operation date; every other one
 * with the reference in the label), 40 % unrelated direct debits. Returns how many rows it inserted.
 */
async function seedOperations(client: pg.Client, organizationId: string, total: number): Promise<number> {
  const counted = await client.query<{ n: string }>(
    'SELECT count(*) AS n FROM bank_operations WHERE organization_id = $1',
    [organizationId],
  );
  const missing = total - Number(counted.rows[0].n);
  if (missing > 0) {
    const account = await client.query<{ id: string }>(
      `INSERT INTO bank_accounts (organization_id, name) VALUES ($1, 'bench') RETURNING id`,
      [organizationId],
    );
    const receipts = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM receipts WHERE organization_id = $1',
      [organizationId],
    );
    if (Number(receipts.rows[0].n) === 0)
      throw new Error('the organization has no receipts to derive lines from');
    await client.query('SELECT setseed(0.24)');
    await client.query(
      `WITH r AS (
         SELECT id, label, reference, type, amount_with_vat, operation_date, row_number() OVER (ORDER BY id) AS rn
           FROM receipts WHERE organization_id = $1
       )
       INSERT INTO bank_operations
         (organization_id, bank_account_id, source, operation_date, value_date, label, amount, external_id)
       SELECT $1, $2, 'statement', d.day, d.day, d.label, d.amount, 'bench:' || d.g
         FROM (
           SELECT g,
             CASE WHEN g % 5 < 3 THEN (r.operation_date AT TIME ZONE 'Europe/Paris')::date + (g % 4)
                  ELSE date '2019-01-01' + (random() * 2190)::int END AS day,
             CASE WHEN g % 5 < 3 AND g % 2 = 0 THEN 'VIR SEPA ' || upper(r.label) || ' REF ' || r.reference
                  WHEN g % 5 < 3 THEN 'CB ' || upper(r.label)
                  ELSE 'PRLV SEPA ' || (ARRAY['EDF', 'ORANGE', 'URSSAF', 'AXA', 'FREE'])[1 + g % 5] END AS label,
             CASE WHEN g % 5 < 3 THEN CASE WHEN r.type = 'frais' THEN -r.amount_with_vat ELSE r.amount_with_vat END
                  ELSE -round((5 + random() * 1995)::numeric, 2) END AS amount
           FROM generate_series(1, $3::int) AS g
           -- A receipt count known in advance keeps this a hash join (r.rn = f(g)), not a nested loop.
           JOIN r ON r.rn = 1 + (g::bigint * 7919) % $4::bigint
         ) d`,
      [organizationId, account.rows[0].id, missing, receipts.rows[0].n],
    );
  }
  // The visibility map that VACUUM writes lets the candidates query read the partial covering index
  // alone (an index-only scan).
  await settle(client, 'bank_operations', 'receipts');
  return Math.max(0, missing);
}

/** Prints the plan of the candidates query for an operation whose label names a reference. */
async function explainCandidates(client: pg.Client, organizationId: string): Promise<void> {
  const op = await client.query<{ amount: string; date: string; label: string }>(
    `SELECT amount::text AS amount, operation_date::text AS date, label FROM bank_operations
      WHERE organization_id = $1 AND label LIKE '% REF %' ORDER BY random() LIMIT 1`,
    [organizationId],
  );
  if (op.rows.length === 0) return;
  const operation = op.rows[0];
  const { sql, params } = candidatesQuery(
    organizationId,
    candidateCriteria(operation, operation.amount.replace(/^-/, ''), TIME_ZONE),
  );
  const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  log(`candidates query plan for "${operation.label}" (${operation.amount} on ${operation.date}):`);
  for (const row of plan.rows) process.stderr.write(`    ${row['QUERY PLAN']}\n`);
}

function log(message: string): void {
  process.stderr.write(`[suggestions-bench] ${message}\n`);
}

/** Alone: an app of its own on a scratch database, an organization with 100,000 receipts, then the bench. */
async function main(): Promise<void> {
  const duration = Number(process.env.BENCH_DURATION ?? 10);
  const db = await scratchDatabase('pieces_bench_suggestions');
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-bench-files-'));
  const adminKey = randomBytes(30).toString('base64url');
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  try {
    app = await startApp(
      {
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        ADMIN_API_KEY: adminKey,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      await freePort(),
    );
    const res = await fetch(`${app.url}/api/v1/organizations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    const body = (await res.json()) as { organization: { id: string }; apiKey: { key: string } };
    log('seeding 100,000 receipts');
    await seedReceipts(db.url, body.organization.id, 100_000);
    const result = await runSuggestionsBench({
      baseUrl: app.url,
      apiKey: body.apiKey.key,
      databaseUrl: db.url,
      organizationId: body.organization.id,
      durationSeconds: duration,
    });
    process.stdout.write(
      `GET /api/v1/bank-operations/{id}/suggestions — ${duration} s × ${DEFAULT_CONNECTIONS} connections, ` +
        `100,000 receipts + 100,000 operations: ${result.requests} requests, ${result.rps.toFixed(1)} req/s, ` +
        `p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors (target p99 ≤ 50 ms)\n`,
    );
  } finally {
    await app?.stop();
    await db.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(
        `suggestions bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
      );
      process.exit(1);
    },
  );
}
