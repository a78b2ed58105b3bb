import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort, startApp, type AppProcess } from '../../bench/app-process.js';
import { PNG } from '../fixtures/files.js';
import { ensureBuilt, killHard } from '../support/built-app.js';
import { OrphanCollector } from '../../src/storage/orphan-collector.js';
import { createTestApp, TEST_ADMIN_KEY } from '../test-app.js';

const REQUESTS = 240;
const LEASE_SECONDS = 2;

interface Answer {
  status: number;
  id?: number;
  replayed: boolean;
}

/**
 * The app as it runs in production (its own process, the build, the run's PostgreSQL), killed with
 * SIGKILL while it handles concurrent POST /invoice with Idempotency-Key, then restarted: every key
 * retried must end with exactly one receipt, and a key whose receipt was committed must answer it.
 */
describe('kill -9 during concurrent POST /invoice with Idempotency-Key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pieces-crash-'));
  let app: AppProcess | undefined;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    ensureBuilt();
    port = await freePort();
    env = {
      DATABASE_URL: process.env.TEST_DATABASE_URL!,
      DATA_DIR: dataDir,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      IDEMPOTENCY_LEASE_SECONDS: String(LEASE_SECONDS),
      LOG_LEVEL: 'error',
    };
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers every retry with its one receipt: none lost, none doubled, no 409 after the lease', async () => {
    app = await startApp(env, port);
    const org = await createOrganization(app.url);
    const send = (i: number): Promise<Answer> => postReceipt(app!.url, org.key, i);

    // All at once; SIGKILL once a sixth have been answered, the rest still in flight.
    const acknowledged = new Map<number, number>();
    const pending = Array.from({ length: REQUESTS }, (_, i) =>
      send(i).then(
        (answer) => {
          if (answer.status === 201 && answer.id !== undefined) acknowledged.set(i, answer.id);
          return answer;
        },
        () => null,
      ),
    );
    while (acknowledged.size < REQUESTS / 6) await sleep(5);
    await killHard(app.pid);
    const killedPid = app.pid;
    await Promise.all(pending);
    expect(acknowledged.size).toBeLessThan(REQUESTS);

    app = await startApp(env, port);
    expect(app.pid).not.toBe(killedPid);
    await sleep(LEASE_SECONDS * 1000 + 500);

    const retries: Answer[] = [];
    for (let i = 0; i < REQUESTS; i += 20) {
      retries.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => send(i + j)))));
    }
    const statuses = retries.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    for (const [i, id] of acknowledged) {
      expect(retries[i]).toEqual({ status: 201, id, replayed: true });
    }
    const ids = new Set(retries.map((r) => r.id));
    expect(ids.size).toBe(REQUESTS);

    const db = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await db.connect();
    let keys: string[];
    try {
      const { rows } = await db.query<{ id: number; receipt_key: string }>(
        `SELECT id, receipt_key FROM receipts WHERE organization_id = $1 ORDER BY id`,
        [org.id],
      );
      expect(rows.map((r) => r.id)).toEqual([...ids].sort((a, b) => a! - b!));
      keys = rows.map((r) => r.receipt_key).sort();
    } finally {
      await db.end();
    }

    // Files of requests that died before their row: the orphan collection (its age set to 0, the app
    // stopped) leaves exactly the receipts' files.
    await app.stop();
    const stored = () => readdirSync(join(dataDir, 'files', 'invoices')).map((name) => `invoices/${name}`);
    const orphansLeft = stored().length - keys.length;
    const inProcess = await createTestApp({ DATA_DIR: dataDir });
    try {
      await inProcess.app.get(OrphanCollector).collect({ minAgeSeconds: 0 });
    } finally {
      await inProcess.close();
    }
    expect(stored().sort()).toEqual(keys);
    // What the run did, to see that the kill fell where it matters.
    const replayedUnacknowledged = retries.filter((r, i) => r.replayed && !acknowledged.has(i)).length;
    process.stderr.write(
      `crash-recovery: ${acknowledged.size} acknowledged before the kill; of the others, ` +
        `${replayedUnacknowledged} committed but unanswered (replayed), ` +
        `${REQUESTS - acknowledged.size - replayedUnacknowledged} made by their retry; ` +
        `${orphansLeft} files without their row collected\n`,
    );
  }, 240_000);
});

async function createOrganization(url: string): Promise<{ id: string; key: string }> {
  const res = await fetch(`${url}/api/v1/organizations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TEST_ADMIN_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Crash SARL' }),
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { organization: { id: string }; apiKey: { key: string } };
  return { id: body.organization.id, key: body.apiKey.key };
}

/** Receipt `i`: the same fields and file each time it is sent, with its own key. */
async function postReceipt(url: string, apiKey: string, i: number): Promise<Answer> {
  const form = new FormData();
  const fields = {
    label: `Crash ${i}`,
    type: 'frais',
    amount: '10',
    amount_with_vat: '12',
    reference: `CRASH-${i}`,
    operation_date: '2026-03-14',
  };
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('receipt', new Blob([PNG], { type: 'image/png' }), `crash-${i}.png`);
  const res = await fetch(`${url}/invoice`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${apiKey}`, 'Idempotency-Key': `crash-${i}` },
    body: form,
  });
  const body = (await res.json()) as { id?: number };
  return { status: res.status, id: body.id, replayed: res.headers.get('idempotent-replayed') === 'true' };
}
