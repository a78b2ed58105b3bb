/**
 * Payments in `npm run bench` (run alone: `npm run bench:payments`, on its own app and scratch database):
 *
 *   1. Seed 004's charge, POST /api/v1/invoices/{id}/charges (a JSON body, 1.00 EUR, `transfer`): every
 *      request racing on ONE invoice (each charge takes the payment request's row lock and recomputes
 *      its status over all its charges, so they run one after the other), then spread over
 *      CHARGE_INVOICES invoices (only requests on the same invoice wait for each other).
 *   2. Webhook deliveries: an endpoint subscribed to every event, a receiver on 127.0.0.1 answering 204
 *      at once (the app started with WEBHOOK_ALLOWED_CIDRS=127.0.0.0/8); BENCH_WEBHOOK_EVENTS events
 *      (default 2,000) are recorded through the API (POST /api/v1/payment-requests, one event each, as
 *      fast as 32 connections go), and deliveries/s is the count of distinct webhook-ids answered 2xx
 *      over the time from the first 2xx to the last. Its p50/p99 are the time from the event's
 *      `timestamp` to its 2xx. The app delivers while it takes the requests: the same cores do both.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { scratchDatabase } from '../scripts/database-url.js';
import { createOrganization } from './api.js';
import { freePort, startApp } from './app-process.js';
import type { CpuSplit } from './host.js';
import { runScenario, type Scenario, type ScenarioResult } from './load.js';

const CHARGE_INVOICES = 500;
const EVENT_CONNECTIONS = 32;
const DELIVERY_WAIT_MS = 180_000;

export interface PaymentsBenchOptions {
  baseUrl: string;
  adminKey: string;
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  webhookEvents: number;
  /** The app's database, to wait until the jobs the charges queued (their events' fan-out) are done. */
  databaseUrl: string | undefined;
  /** Called right before each measured part, and right after it with its CPU split. */
  probe: { begin: () => void; end: () => CpuSplit };
  log: (message: string) => void;
}

export interface PaymentsBenchRow {
  result: ScenarioResult;
  cpu: CpuSplit;
}

export async function runPaymentsBench(opts: PaymentsBenchOptions): Promise<PaymentsBenchRow[]> {
  const rows: PaymentsBenchRow[] = [];
  const { key } = await createOrganization(opts.baseUrl, opts.adminKey);
  const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };

  // 1. Charges. The invoices are large enough never to be paid: every charge is a partial payment.
  const invoices: string[] = [];
  await pool(CHARGE_INVOICES + 1, 16, async () => {
    invoices.push(
      (await postJson<{ id: string }>(opts.baseUrl, auth, '/api/v1/payment-requests', invoiceBody())).id,
    );
  });
  const [single, ...spread] = invoices;
  const charge = Buffer.from(JSON.stringify({ amount: 1, reference: 'BENCH', chargeType: 'transfer' }));
  const scenario = (name: string, nextPath: () => string): Scenario => ({
    name,
    method: 'POST',
    path: `/api/v1/invoices/${single}/charges`,
    nextPath,
    headers: auth,
    body: charge,
    connections: opts.connections,
    durationSeconds: opts.durationSeconds,
    expectedStatus: 201,
  });
  let next = 0;
  const scenarios = [
    scenario(
      `POST /api/v1/invoices/{id}/charges, 1 invoice (row lock)`,
      () => `/api/v1/invoices/${single}/charges`,
    ),
    scenario(
      `POST /api/v1/invoices/{id}/charges, ${CHARGE_INVOICES} invoices`,
      () => `/api/v1/invoices/${spread[next++ % spread.length]}/charges`,
    ),
  ];
  for (const s of scenarios) {
    if (opts.warmupSeconds > 0) {
      // On other invoices, so that the measured one starts with no charge.
      opts.log(`warm-up: ${s.name}, ${opts.warmupSeconds} s`);
      await runScenario(opts.baseUrl, {
        ...s,
        nextPath: () => `/api/v1/invoices/${spread[next++ % spread.length]}/charges`,
        durationSeconds: opts.warmupSeconds,
      });
    }
    opts.log(`${s.name}: ${s.durationSeconds} s, ${s.connections} connections`);
    opts.probe.begin();
    const result = await runScenario(opts.baseUrl, s);
    rows.push({ result, cpu: opts.probe.end() });
    opts.log(
      `  ${result.requests} charges, ${result.requestsPerSecond.toFixed(1)} req/s, p50 ${result.p50Ms} ms, ` +
        `p99 ${result.p99Ms} ms, ${result.errors} errors`,
    );
  }

  // 2. Webhook deliveries, in an organization of their own, once the charges' events are fanned out
  // (else the deliveries would wait behind that backlog, and the figure measure it).
  if (opts.webhookEvents > 0) {
    if (opts.databaseUrl) await jobsIdle(opts.databaseUrl, opts.log);
    rows.push(await deliveries(opts));
  } else opts.log('webhook deliveries: skipped (an external app: set BENCH_WEBHOOK_EVENTS to run them)');
  return rows;
}

async function deliveries(opts: PaymentsBenchOptions): Promise<PaymentsBenchRow> {
  const { key } = await createOrganization(opts.baseUrl, opts.adminKey);
  const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const receiver = new Receiver();
  await receiver.start();
  try {
    const endpoint = await postJson<{ secret: string }>(opts.baseUrl, auth, '/api/v1/webhooks', {
      url: receiver.url,
    });
    receiver.secret = endpoint.secret;
    const n = opts.webhookEvents;
    opts.log(
      `webhook deliveries: ${n} events through POST /api/v1/payment-requests, ${EVENT_CONNECTIONS} conn`,
    );
    opts.probe.begin();
    const started = performance.now();
    await pool(n, EVENT_CONNECTIONS, () =>
      postJson(opts.baseUrl, auth, '/api/v1/payment-requests', invoiceBody()).then(() => undefined),
    );
    const produced = performance.now();
    const deadline = Date.now() + DELIVERY_WAIT_MS;
    while (receiver.delivered.size < n && Date.now() < deadline) await sleep(20);
    const cpu = opts.probe.end();
    if (receiver.delivered.size < n)
      throw new Error(
        `${receiver.delivered.size} of ${n} events delivered after ${DELIVERY_WAIT_MS / 1000} s`,
      );
    if (receiver.invalid > 0) throw new Error(`${receiver.invalid} deliveries failed verification`);
    const times = [...receiver.delivered.values()];
    const first = Math.min(...times.map((t) => t.at));
    const last = Math.max(...times.map((t) => t.at));
    const lags = times.map((t) => t.lagMs).sort((a, b) => a - b);
    const rate = (n - 1) / Math.max(0.001, (last - first) / 1000);
    opts.log(
      `  ${n} events recorded in ${((produced - started) / 1000).toFixed(1)} s ` +
        `(${(n / ((produced - started) / 1000)).toFixed(1)}/s); first to last 2xx ` +
        `${((last - first) / 1000).toFixed(1)} s = ${rate.toFixed(1)} deliveries/s; last 2xx ` +
        `${((last - produced) / 1000).toFixed(1)} s after the last event; ${receiver.calls} calls`,
    );
    return {
      result: {
        name: `webhook deliveries, ${n} events → 127.0.0.1 (per s; ms from event to 2xx)`,
        requests: n,
        requestsPerSecond: rate,
        p50Ms: percentile(lags, 0.5),
        p99Ms: percentile(lags, 0.99),
        errors: 0,
        errorRate: 0,
        statusCodes: {},
      },
      cpu,
    };
  } finally {
    await receiver.stop();
  }
}

/** Answers 204 at once; verifies every call (standardwebhooks) and notes when each event first got 2xx. */
class Receiver {
  secret = '';
  calls = 0;
  invalid = 0;
  /** webhook-id → when (performance.now()) and how long after the event's timestamp. */
  readonly delivered = new Map<string, { at: number; lagMs: number }>();
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.calls += 1;
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        try {
          const event = new Webhook(this.secret).verify(body, headers) as { id: string; timestamp: string };
          if (!this.delivered.has(event.id)) {
            this.delivered.set(event.id, {
              at: performance.now(),
              lagMs: Date.now() - Date.parse(event.timestamp),
            });
          }
          res.writeHead(204).end();
        } catch {
          this.invalid += 1;
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Waits until no event or delivery job is due or running. */
async function jobsIdle(databaseUrl: string, log: (message: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = performance.now();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job
          WHERE (name LIKE 'events.%' OR name = 'webhooks.deliver')
            AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))`,
      );
      if (rows[0].n === 0) break;
      if (performance.now() - started > DELIVERY_WAIT_MS) throw new Error(`${rows[0].n} jobs still due`);
      await sleep(200);
    }
  } finally {
    await client.end();
  }
  log(
    `jobs the charges queued done ${((performance.now() - started) / 1000).toFixed(1)} s after the last charge`,
  );
}

function invoiceBody() {
  return { amount: '1000000.00', currency: 'EUR', description: 'Bench' };
}

async function postJson<T = unknown>(
  baseUrl: string,
  headers: Record<string, string>,
  path: string,
  body: unknown,
): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Runs `task` `n` times, `width` at a time. */
async function pool(n: number, width: number, task: () => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (started < n) {
        started += 1;
        await task();
      }
    }),
  );
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

/** `npm run bench:payments`: this part alone, on its own app and scratch database. */
async function main(): Promise<void> {
  const db = await scratchDatabase('pieces_bench_payments');
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-bench-payments-'));
  const adminKey = randomBytes(30).toString('base64url');
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  const app = await startApp(
    {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      ADMIN_API_KEY: adminKey,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
    },
    await freePort(),
  );
  try {
    const { CpuMeter } = await import('./host.js');
    const cpu = new CpuMeter(app.pid, Number(new URL(db.url).port || 5432));
    const rows = await runPaymentsBench({
      baseUrl: app.url,
      adminKey,
      durationSeconds: Number(process.env.BENCH_LIST_DURATION ?? 5),
      warmupSeconds: Number(process.env.BENCH_WARMUP ?? 2),
      connections: Number(process.env.BENCH_LIST_CONNECTIONS ?? 8),
      webhookEvents: Number(process.env.BENCH_WEBHOOK_EVENTS ?? 2000),
      databaseUrl: db.url,
      probe: { begin: () => cpu.begin(), end: () => cpu.end() },
      log,
    });
    const { formatTable } = await import('./report.js');
    process.stdout.write(`\n${formatTable(rows.map((r) => ({ ...r, appRssMb: null })))}\n`);
  } finally {
    await app.stop();
    await db.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
