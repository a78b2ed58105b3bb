/**
 * `npm run bench`: throughput and latency of seed 002's /invoice, and the server's peak memory.
 *
 * Starts the built app (dist/src/main.js) as a child process on a scratch database (DATABASE_URL's server
 * when set, else a throw-away embedded PostgreSQL), creates an organization, then:
 *   1. POST /invoice, multipart with a ~100 KB PDF, BENCH_DURATION s (default 10), 32 connections;
 *   2. seeds the organization to 100,000 receipts in SQL, VACUUMs (ANALYZE) and CHECKPOINTs;
 *   3. GET /invoice (limit=50): first page and pages 10, 100, 1000 of `type=frais`, a date-sorted list
 *      and a text search, BENCH_LIST_DURATION s each (default 5), BENCH_LIST_CONNECTIONS connections
 *      (default 8).
 *   4. seeds 100,000 bank operations and asks the matching suggestions of random ones
 *      (suggestions-bench.ts), BENCH_LIST_DURATION s at BENCH_LIST_CONNECTIONS.
 *   5. payments (payments-bench.ts): seed 004's POST /api/v1/invoices/{id}/charges racing on one invoice
 *      and spread over 500, BENCH_LIST_DURATION s at BENCH_LIST_CONNECTIONS each; then how many webhook
 *      deliveries per second the instance makes to a receiver on 127.0.0.1, over BENCH_WEBHOOK_EVENTS
 *      events (default 2,000; against BENCH_URL only when set, the app needing
 *      WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8).
 *   6. times chain-watcher cycles over 10,000 open invoices against a fake Esplora (watcher-bench.ts;
 *      BENCH_WATCHER=0 skips it).
 *   7. times Lightning-watcher runs over a batch of open invoices of payment requests, 100,000 settled
 *      ones beside (lightning-watcher-bench.ts; BENCH_LIGHTNING=0 skips it).
 * Each phase is preceded by BENCH_WARMUP s (default 2) of unreported load, so that a cold JIT and cold
 * caches do not count. The app's RSS is sampled every 100 ms throughout, and each phase reports where the
 * host's CPU went (app, PostgreSQL, autocannon in this process, anything else): on a small machine the
 * three share the cores, and another job running meanwhile would skew every figure.
 *
 * BENCH_NODE_FLAGS: the app's node flags (default: those of `npm start`, heap cap and GC tuning).
 * BENCH_URL + BENCH_ADMIN_KEY: measure an app that is already running instead (BENCH_PID to sample its
 * RSS; DATABASE_URL naming its database to seed it, else the lists run over what POST created).
 *
 * It is a report: missed targets still exit 0. It exits non-zero when the bench itself fails (the app
 * does not start, more than 1 % of the requests of a scenario fail).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scratchDatabase } from '../scripts/database-url.js';
import { createOrganization, walkCursors } from './api.js';
import { freePort, ProcessSampler, startApp } from './app-process.js';
import { benchPdf, multipartBody } from './fixtures.js';
import { CpuMeter, hostBusyCores } from './host.js';
import { runScenario, type Scenario } from './load.js';
import { formatRss, formatTable, latencyTarget, throughputTarget, type ReportRow } from './report.js';
import { SEARCH_WORD, seedReceipts } from './seed.js';
import { runPaymentsBench } from './payments-bench.js';
import { runSuggestionsBench } from './suggestions-bench.js';
import { runLightningWatcherBench, type LightningWatcherBenchResult } from './lightning-watcher-bench.js';
import { runWatcherBench, type WatcherBenchResult } from './watcher-bench.js';

const SEED_TOTAL = 100_000;
const PAGE_DEPTHS = [10, 100, 1000];
const MAX_ERROR_RATE = 0.01;
const TARGETS = { postRps: 500, postP99Ms: 200, listP99Ms: 30, suggestionsP99Ms: 50, rssMb: 300 };
/** CPU used by other processes, in cores, above which the report warns that the host was not quiet. */
const BUSY_HOST_CORES = 0.2;

const settings = {
  postSeconds: positiveNumber('BENCH_DURATION', 10),
  listSeconds: positiveNumber('BENCH_LIST_DURATION', 5),
  warmupSeconds: positiveNumber('BENCH_WARMUP', 2, true),
  postConnections: 32,
  // The issue fixes 32 connections for creates but none for lists: 8 is a busy office (a bookkeeping
  // front end and scripts on one organization); BENCH_LIST_CONNECTIONS=16 shows the saturated case.
  listConnections: positiveNumber('BENCH_LIST_CONNECTIONS', 8),
  webhookEvents: process.env.BENCH_WEBHOOK_EVENTS ? positiveNumber('BENCH_WEBHOOK_EVENTS', 2000) : undefined,
};

/** Undone in reverse order at the end, on error and on SIGINT/SIGTERM. */
const cleanups: { name: string; run: () => Promise<void> | void }[] = [];

interface Target {
  url: string;
  adminKey: string;
  /** The app's pid, to sample its RSS and CPU; undefined when unknown. */
  pid: number | undefined;
  /** The app's database, to seed it; undefined when unknown. */
  databaseUrl: string | undefined;
}

interface Probes {
  rss: ProcessSampler | undefined;
  cpu: CpuMeter;
}

async function main(): Promise<number> {
  // Anything else busy on a small host takes cores from the app: measured first, reported with the figures.
  const background = await hostBusyCores(1000);
  const target = process.env.BENCH_URL && process.env.BENCH_ADMIN_KEY ? external() : await ownApp();
  const rss = target.pid ? new ProcessSampler(target.pid, 100) : undefined;
  rss?.start();
  cleanups.push({ name: 'RSS sampler', run: () => rss?.stop() });
  const probes: Probes = { rss, cpu: new CpuMeter(target.pid, localPostgresPort(target.databaseUrl)) };

  const apiKey = await createOrganization(target.url, target.adminKey);
  const auth = { Authorization: `Bearer ${apiKey.key}` };
  const rows: ReportRow[] = [];

  // Phase 1: POST /invoice
  const upload = multipartBody(
    {
      label: 'Achat de matière première',
      type: 'frais',
      amount: '12.50',
      amount_with_vat: '15.00',
      reference: 'REF-0001',
      operation_date: '2021-06-18 20:21:00',
    },
    { field: 'receipt', filename: 'receipt.pdf', contentType: 'application/pdf', content: benchPdf() },
  );
  const post: Scenario = {
    name: 'POST /invoice (multipart, 100 KB PDF)',
    method: 'POST',
    path: '/invoice',
    headers: { ...auth, 'Content-Type': upload.contentType },
    body: upload.body,
    connections: settings.postConnections,
    durationSeconds: settings.postSeconds,
    expectedStatus: 201,
  };
  log(`POST /invoice: body ${(upload.body.length / 1024).toFixed(1)} KB`);
  await warmUp(target.url, post);
  const posted = await measure(target.url, post, probes);
  rows.push({ ...posted, target: throughputTarget(posted.result, TARGETS.postRps, TARGETS.postP99Ms) });

  // Phase 2: seed
  if (target.databaseUrl) {
    log(`seed: bringing the organization to ${SEED_TOTAL.toLocaleString('en')} receipts`);
    const started = Date.now();
    const inserted = await seedReceipts(target.databaseUrl, apiKey.organizationId, SEED_TOTAL);
    log(`seed: ${inserted} rows inserted, vacuumed and checkpointed in ${seconds(started)} s`);
  } else {
    log('seed: skipped (no database URL for an external app; set DATABASE_URL to its database)');
  }

  // Phase 3: GET /invoice
  const list = (name: string, query: string): Scenario => ({
    name,
    method: 'GET',
    path: `/invoice?${query}`,
    headers: auth,
    connections: settings.listConnections,
    durationSeconds: settings.listSeconds,
    expectedStatus: 200,
  });
  const filter = 'type=frais&limit=50';
  const walked = Date.now();
  const cursors = await walkCursors(target.url, auth, filter, PAGE_DEPTHS);
  log(`cursors: walked to page ${cursors.at(-1)?.page ?? 1} in ${seconds(walked)} s`);
  const scenarios = [
    list('GET /invoice ?type=frais page 1', filter),
    ...cursors.map(({ page, cursor, last }) =>
      list(`GET /invoice ?type=frais page ${page}${last ? ' (last)' : ''}`, `${filter}&cursor=${cursor}`),
    ),
    list(
      'GET /invoice ?sort=-operation_date&operation_date_from=2022-01-01',
      'sort=-operation_date&operation_date_from=2022-01-01&limit=50',
    ),
    list(`GET /invoice ?q=${SEARCH_WORD}`, `q=${SEARCH_WORD}&limit=50`),
  ];
  await warmUp(target.url, scenarios[0]);
  for (const scenario of scenarios) {
    const measured = await measure(target.url, scenario, probes);
    rows.push({ ...measured, target: latencyTarget(measured.result, TARGETS.listP99Ms) });
  }

  // Phase 4: matching suggestions over 100,000 bank operations (needs the database to seed them)
  if (target.databaseUrl) {
    const s = await runSuggestionsBench({
      baseUrl: target.url,
      apiKey: apiKey.key,
      databaseUrl: target.databaseUrl,
      organizationId: apiKey.organizationId,
      durationSeconds: settings.listSeconds,
      connections: settings.listConnections,
      // Seeding 100,000 operations is not part of the figures.
      beforeMeasure: () => {
        probes.rss?.startPhase();
        probes.cpu.begin();
      },
    });
    const result = {
      name: 'GET /api/v1/bank-operations/{id}/suggestions (random op.)',
      requests: s.requests,
      requestsPerSecond: s.rps,
      p50Ms: s.p50,
      p99Ms: s.p99,
      errors: s.errors,
      errorRate: s.errors / Math.max(1, s.requests),
      statusCodes: {},
    };
    rows.push({
      result,
      cpu: probes.cpu.end(),
      appRssMb: probes.rss?.phasePeakMb() ?? null,
      target: latencyTarget(result, TARGETS.suggestionsP99Ms),
    });
  }

  // Phase 5: seed 004's charges, and webhook deliveries to a receiver on 127.0.0.1
  const payments = await runPaymentsBench({
    baseUrl: target.url,
    adminKey: target.adminKey,
    durationSeconds: settings.listSeconds,
    warmupSeconds: settings.warmupSeconds,
    connections: settings.listConnections,
    databaseUrl: target.databaseUrl,
    // An external app may not allow a receiver on 127.0.0.1: only when asked for.
    webhookEvents:
      settings.webhookEvents ?? (process.env.BENCH_URL && process.env.BENCH_ADMIN_KEY ? 0 : 2000),
    probe: {
      begin: () => {
        probes.rss?.startPhase();
        probes.cpu.begin();
      },
      end: () => probes.cpu.end(),
    },
    log,
  });
  for (const row of payments) rows.push({ ...row, appRssMb: probes.rss?.phasePeakMb() ?? null });
  // Phase 6: one chain-watcher cycle over 10,000 open invoices (its own app and scratch database: the
  // app above would poll the real Esplora for them)
  let watcher: WatcherBenchResult | undefined;
  if (process.env.BENCH_WATCHER !== '0') {
    const db = await scratchDatabase('pieces_watch_bench');
    try {
      watcher = await runWatcherBench({ databaseUrl: db.url, log: (line) => log(`watcher: ${line}`) });
    } finally {
      await db.dispose();
    }
  }

  // Phase 7: one Lightning-watcher run over a batch of open invoices (its own app and scratch database).
  let lightning: LightningWatcherBenchResult | undefined;
  if (process.env.BENCH_LIGHTNING !== '0') {
    const db = await scratchDatabase('pieces_ln_bench');
    try {
      lightning = await runLightningWatcherBench({
        databaseUrl: db.url,
        log: (line) => log(`lightning: ${line}`),
      });
    } finally {
      await db.dispose();
    }
  }

  rss?.stop();
  report(rows, rss?.peakMb() ?? null, background);
  if (lightning) {
    process.stdout.write(
      [
        `lightning watcher — one run over ${lightning.open.toLocaleString('en')} open invoices ` +
          '(and 100,000 settled ones), dev backend:',
        ...lightning.runs.map(
          (r) =>
            `  ${r.name}: ${(r.ms / 1000).toFixed(2)} s, ${Math.round((r.looked / r.ms) * 1000)} lookups/s, ` +
            `${r.settled} settled`,
        ),
        '',
      ].join('\n'),
    );
  }
  if (watcher) {
    process.stdout.write(
      [
        `chain watcher — one cycle over ${watcher.invoices.toLocaleString('en')} open invoices ` +
          '(and 100,000 closed ones), fake Esplora on 127.0.0.1:',
        ...watcher.cycles.map(
          (c) =>
            `  ${c.name}: ${(c.ms / 1000).toFixed(2)} s, ${Math.round((c.polled / c.ms) * 1000)} addresses/s, ` +
            `${c.changed} changed, ${c.esploraRequests} requests`,
        ),
        '',
      ].join('\n'),
    );
  }
  const failed = rows.filter((r) => r.result.errorRate > MAX_ERROR_RATE);
  for (const { result } of failed) {
    process.stderr.write(
      `bench failed: ${result.name} had ${(result.errorRate * 100).toFixed(2)} % errors ` +
        `(status codes ${JSON.stringify(result.statusCodes)})\n`,
    );
  }
  return failed.length > 0 ? 1 : 0;
}

function report(rows: ReportRow[], peakRssMb: number | null, background: number | null): void {
  const others = Math.max(...rows.map((r) => r.cpu.others ?? 0));
  const busy = (background ?? 0) > BUSY_HOST_CORES || others > BUSY_HOST_CORES;
  process.stdout.write(
    [
      '',
      `/invoice benchmark — ${new Date().toISOString()}, Node ${process.version}, ` +
        `${availableParallelism()} cores shared by the app, PostgreSQL and the load generator; ` +
        `POST ${settings.postSeconds} s × ${settings.postConnections} conn, ` +
        `lists ${settings.listSeconds} s × ${settings.listConnections} conn over ` +
        `${SEED_TOTAL.toLocaleString('en')} receipts`,
      '',
      formatTable(rows),
      '',
      'CPU: cores used during the phase by the app, its PostgreSQL, this process (autocannon) and anything else;',
      'app CPU ms/req: app CPU time per request, the figure that other load on the host disturbs least.',
      formatRss(peakRssMb, TARGETS.rssMb),
      `host: ${background === null ? 'n/a' : background.toFixed(2)} cores busy before the run, ` +
        `up to ${others.toFixed(2)} used by other processes during a phase` +
        (busy ? ' — NOT QUIET: the figures understate the app' : ''),
      '',
    ].join('\n'),
  );
}

function external(): Target {
  const pid = process.env.BENCH_PID ? Number(process.env.BENCH_PID) : undefined;
  log(`using the app at ${process.env.BENCH_URL}`);
  return {
    url: process.env.BENCH_URL!.replace(/\/+$/, ''),
    adminKey: process.env.BENCH_ADMIN_KEY!,
    pid: pid && Number.isInteger(pid) && pid > 0 ? pid : undefined,
    databaseUrl: process.env.DATABASE_URL,
  };
}

async function ownApp(): Promise<Target> {
  if (!existsSync('dist/src/main.js')) throw new Error('dist/src/main.js is missing: run `npm run build`');
  log(
    process.env.DATABASE_URL
      ? 'database: a scratch database on DATABASE_URL'
      : 'database: a throw-away embedded PostgreSQL',
  );
  const db = await scratchDatabase('pieces_bench');
  cleanups.push({ name: 'scratch database', run: () => db.dispose() });
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-bench-files-'));
  cleanups.push({ name: 'data directory', run: () => rmSync(dataDir, { recursive: true, force: true }) });

  const adminKey = randomBytes(30).toString('base64url'); // 40 characters
  const port = await freePort();
  log(`starting the app on port ${port}`);
  const app = await startApp(
    {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Phase 5's webhook receiver listens on 127.0.0.1.
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
    },
    port,
  );
  cleanups.push({ name: 'app', run: () => app.stop() });
  log(`app ready (pid ${app.pid})`);
  return { url: app.url, adminKey, pid: app.pid, databaseUrl: db.url };
}

/** The port of a database on this host, so that its server's CPU can be told apart; else undefined. */
function localPostgresPort(databaseUrl: string | undefined): number | undefined {
  if (!databaseUrl) return undefined;
  const url = new URL(databaseUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  return Number(url.port || 5432);
}

async function warmUp(baseUrl: string, scenario: Scenario): Promise<void> {
  if (settings.warmupSeconds === 0) return;
  log(`warm-up: ${scenario.name}, ${settings.warmupSeconds} s`);
  await runScenario(baseUrl, { ...scenario, durationSeconds: settings.warmupSeconds });
}

async function measure(
  baseUrl: string,
  scenario: Scenario,
  probes: Probes,
): Promise<Omit<ReportRow, 'target'>> {
  log(`${scenario.name}: ${scenario.durationSeconds} s, ${scenario.connections} connections`);
  probes.rss?.startPhase();
  probes.cpu.begin();
  const result = await runScenario(baseUrl, scenario);
  const cpu = probes.cpu.end();
  const appRssMb = probes.rss?.phasePeakMb() ?? null;
  const cores = (n: number | null) => (n === null ? 'n/a' : n.toFixed(2));
  log(
    `  ${result.requests} requests, ${result.requestsPerSecond.toFixed(1)} req/s, ` +
      `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors; ` +
      `CPU app ${cores(cpu.app)}, pg ${cores(cpu.postgres)}, bench ${cores(cpu.bench)}, ` +
      `others ${cores(cpu.others)}; app RSS ${appRssMb?.toFixed(0) ?? 'n/a'} MB`,
  );
  return { result, cpu, appRssMb };
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

function positiveNumber(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroAllowed)) {
    throw new Error(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of seconds`);
  }
  return n;
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function cleanup(): Promise<void> {
  for (let next = cleanups.pop(); next; next = cleanups.pop()) {
    try {
      log(`cleanup: ${next.name}`);
      await next.run();
    } catch (e) {
      log(`cleanup of the ${next.name} failed: ${(e as Error).message}`);
    }
  }
}

let cleaning: Promise<void> | undefined;
/** Cleans up once, whoever asks first (the end of main, an error, a signal), then exits. */
async function finish(code: number): Promise<never> {
  cleaning ??= cleanup();
  await cleaning;
  process.exit(code);
}

// The bench's own cleanup stops the app, then the embedded server (ScratchDatabase.dispose).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void finish(130);
  });
}

main().then(
  (code) => finish(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return finish(1);
  },
);
