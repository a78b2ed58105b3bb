import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { freePort, startApp, type AppProcess } from '../../bench/app-process.js';
import { ensureBuilt, killHard } from '../support/built-app.js';
import { TEST_ADMIN_KEY } from '../test-app.js';

/** 400 payment requests (one event each), 300 of them then paid by one exact charge (two events each). */
const REQUESTS = 400;
const CHARGES = 300;
const EVENTS = REQUESTS + 2 * CHARGES;
const API_CONCURRENCY = 16;

/**
 * A customer's receiver on 127.0.0.1: verifies every call with the standardwebhooks package and answers
 * 500 to the first call of every webhook-id (half of the calls, when each is retried once), 204 after.
 */
class FlakyReceiver {
  secret = '';
  calls = 0;
  invalid: string[] = [];
  /** webhook-id → every body received with it. */
  readonly bodies = new Map<string, Set<string>>();
  /** webhook-id → how many calls were answered 2xx. */
  readonly succeeded = new Map<string, number>();
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.calls += 1;
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        const id = headers['webhook-id'];
        try {
          const event = new Webhook(this.secret).verify(body, headers) as { id?: string };
          if (event.id !== id) throw new Error(`body id ${event.id} is not the webhook-id ${id}`);
        } catch (e) {
          this.invalid.push(`${id}: ${(e as Error).message}`);
          res.writeHead(400).end();
          return;
        }
        const seen = this.bodies.get(id);
        if (!seen) {
          this.bodies.set(id, new Set([body]));
          res.writeHead(500).end('failing on purpose');
          return;
        }
        seen.add(body);
        this.succeeded.set(id, (this.succeeded.get(id) ?? 0) + 1);
        res.writeHead(204).end();
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

/**
 * The promise: with a receiver that fails half of its calls, 1,000 events are all delivered in
 * the end, each signed, and a `kill -9` of the app in the middle of the deliveries loses none. The app
 * is the build, in its own process, killed and restarted on the same database.
 */
describe('webhooks: nothing lost across failures and kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-webhooks-lost-'));
  const receiver = new FlakyReceiver();
  const db = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  let app: AppProcess | undefined;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    ensureBuilt();
    await receiver.start();
    await db.connect();
    port = await freePort();
    env = {
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      DATA_DIR: dataDir,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      LOG_LEVEL: 'error',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1',
      WEBHOOK_TIMEOUT_SECONDS: '2',
      // How soon a job the killed instance was running is given to another: its timeout, checked often.
      JOBS_MAINTENANCE_SECONDS: '1',
    };
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
    await db.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`delivers each of ${EVENTS} events with a 2xx at least once, same signed body on every attempt`, async () => {
    const started = Date.now();
    app = await startApp(env, port);
    const org = await post<{ organization: { id: string }; apiKey: { key: string } }>(
      app.url,
      TEST_ADMIN_KEY,
      '/api/v1/organizations',
      { name: 'Webhooks SARL' },
    );
    const key = org.apiKey.key;
    const webhook = await post<{ secret: string }>(app.url, key, '/api/v1/webhooks', { url: receiver.url });
    receiver.secret = webhook.secret;

    // Produce the events through the API, API_CONCURRENCY requests at a time.
    const ids: string[] = [];
    await pool(REQUESTS, async (i) => {
      const created = await post<{ id: string }>(app!.url, key, '/api/v1/payment-requests', {
        amount: `${100 + i}.50`,
        currency: 'EUR',
        description: `Facture LOST-${i}`,
      });
      ids[i] = created.id;
    });
    await pool(CHARGES, async (i) => {
      await post(app!.url, key, `/api/v1/invoices/${ids[i]}/charges`, {
        amount: `${100 + i}.50`,
        reference: `VIR-${i}`,
        chargeType: 'transfer',
      });
    });
    const produced = Date.now();

    // kill -9 in the middle of the deliveries: some succeeded, others failed and wait for a retry.
    const killAt = EVENTS / 3;
    while (receiver.succeeded.size < killAt) await sleep(5);
    const atKill = { succeeded: receiver.succeeded.size, calls: receiver.calls };
    await killHard(app.pid);
    const pendingAtKill = await count(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE organization_id = $1 AND status = 'pending'`,
      [org.organization.id],
    );
    expect(atKill.succeeded).toBeLessThan(EVENTS);
    expect(pendingAtKill).toBeGreaterThan(0);

    app = await startApp(env, port);
    const restarted = Date.now();

    // The events the API produced are the rows of `events`: each must reach the receiver with a 2xx.
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM events WHERE organization_id = $1`, [
      org.organization.id,
    ]);
    const events = new Set(rows.map((r) => r.id));
    expect(events.size).toBe(EVENTS);
    const deadline = Date.now() + 75_000;
    while (receiver.succeeded.size < events.size && Date.now() < deadline) await sleep(50);
    const delivered = Date.now();

    expect(receiver.invalid).toEqual([]);
    expect(new Set(receiver.succeeded.keys())).toEqual(events);
    expect([...receiver.bodies.values()].filter((bodies) => bodies.size !== 1)).toEqual([]);

    // The log: nothing left pending, and each event has an attempt recorded as succeeded.
    const logDeadline = Date.now() + 10_000;
    let pending = -1;
    while (pending !== 0 && Date.now() < logDeadline) {
      pending = await count(
        `SELECT count(*)::int AS n FROM webhook_deliveries WHERE organization_id = $1 AND status = 'pending'`,
        [org.organization.id],
      );
      if (pending !== 0) await sleep(100);
    }
    expect(pending).toBe(0);
    const recorded = await count(
      `SELECT count(DISTINCT event_id)::int AS n FROM webhook_deliveries
        WHERE organization_id = $1 AND status = 'succeeded'`,
      [org.organization.id],
    );
    expect(recorded).toBe(EVENTS);

    const twice = [...receiver.succeeded.values()].filter((n) => n > 1).length;
    process.stderr.write(
      `webhooks-nothing-lost: ${EVENTS} events produced in ${seconds(started, produced)} s; killed at ` +
        `${atKill.succeeded} delivered (${atKill.calls} calls, ${pendingAtKill} attempts pending); ` +
        `restarted ${seconds(produced, restarted)} s after production, all delivered ` +
        `${seconds(restarted, delivered)} s after the restart; ${receiver.calls} calls in all, ` +
        `${twice} events answered 2xx more than once\n`,
    );
  }, 180_000);

  async function count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await db.query<{ n: number }>(sql, params);
    return rows[0].n;
  }
});

async function post<T = unknown>(url: string, key: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Runs task(0..n-1), `API_CONCURRENCY` at a time. */
async function pool(n: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: API_CONCURRENCY }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

function seconds(from: number, to: number): string {
  return ((to - from) / 1000).toFixed(1);
}
