import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../../src/events/domain-events.js';
import { EVENTS_PURGE_JOB, EventsPurger } from '../../src/events/events-purger.js';
import { JobQueue } from '../../src/jobs/job-queue.js';
import {
  WEBHOOK_DELIVERIES_PURGE_JOB,
  WebhookDeliveriesPurger,
} from '../../src/modules/webhooks/webhook-deliveries-purger.js';
import { bearer } from '../support/bank.js';
import {
  createOrganization,
  createTestApp,
  drainJobs,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

declare module '../../src/events/domain-events.js' {
  interface EventPayloads {
    'test.retained_thing': { block: boolean };
  }
}

/**
 * The purges of `events` and `webhook_deliveries`. Rows are aged by moving their time back (the only
 * SQL write here: a test cannot wait 30 days); everything else goes through the app.
 */
describe('retention of events and webhook deliveries', () => {
  let t: TestApp;
  let db: DataSource;
  let org: TestOrganization;
  let receiver: Server;
  let receiverUrl: string;

  beforeAll(async () => {
    // /ok answers 200, anything else 500.
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url === '/ok' ? 200 : 500).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await createTestApp(
      {
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
        WEBHOOK_RETRY_SCHEDULE: '0,3600',
        EVENTS_RETENTION_DAYS: '30',
        WEBHOOK_DELIVERIES_RETENTION_DAYS: '30',
      },
      {
        beforeInit: (app) =>
          // A subscriber that has not yet handled the events it is told to block: its job waits an hour
          // for its retry.
          app.get(DomainEvents).subscribe({
            name: 'test.retention-blocker',
            types: ['test.retained_thing'],
            retry: { delaysSeconds: [3600] },
            handle: (event) =>
              event.payload.block ? Promise.reject(new Error('not yet')) : Promise.resolve(),
          }),
      },
    );
    db = t.app.get(DataSource);
    org = await createOrganization(t);
  });
  afterAll(async () => {
    await t.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const age = (table: 'events' | 'webhook_deliveries', column: string, ids: string[], days: number) =>
    db.query(`UPDATE ${table} SET ${column} = ${column} - make_interval(days => $2) WHERE id = ANY($1)`, [
      ids,
      days,
    ]);

  it('runs both purges hourly through the job queue', async () => {
    const jobs = t.app.get(JobQueue);
    expect(await jobs.scheduleOf(EVENTS_PURGE_JOB)).toMatch(/^\d+ \* \* \* \*$/);
    expect(await jobs.scheduleOf(WEBHOOK_DELIVERIES_PURGE_JOB)).toMatch(/^\d+ \* \* \* \*$/);
  });

  it('deletes the events past EVENTS_RETENTION_DAYS whose subscriptions are done, in batches', async () => {
    const events = t.app.get(DomainEvents);
    const record = (block: boolean) =>
      db.transaction((manager) =>
        events.record(manager, { type: 'test.retained_thing', organizationId: org.id, payload: { block } }),
      );
    const oldDone = [await record(false), await record(false), await record(false), await record(false)];
    const oldPending = await record(true);
    const recent = await record(false);
    await drainJobs(t);
    const [blocked] = await db.query<{ state: string }[]>(
      `SELECT state FROM pgboss.job WHERE name = 'events.test.retention-blocker' AND data->>'eventId' = $1`,
      [oldPending],
    );
    expect(blocked.state).toBe('retry');
    await age('events', 'occurred_at', [...oldDone, oldPending], 31);
    await age('events', 'occurred_at', [recent], 29);

    // Batches of 3: four old events need two, and a third finds nothing.
    const { purged } = await t.app.get(EventsPurger).purge(3);
    expect(purged).toBeGreaterThanOrEqual(4);
    const left = await db.query<{ id: string }[]>(`SELECT id FROM events WHERE organization_id = $1`, [
      org.id,
    ]);
    expect(left.map((r) => r.id).sort()).toEqual([oldPending, recent].sort());
    // Run again (after a crash, say): nothing more to do.
    expect((await t.app.get(EventsPurger).purge(3)).purged).toBe(0);
  });

  it('deletes the delivery attempts past WEBHOOK_DELIVERIES_RETENTION_DAYS, never a pending one', async () => {
    const create = async (path: string) =>
      (
        await t
          .http()
          .post('/api/v1/webhooks')
          .set(bearer(org.key))
          .send({ url: `${receiverUrl}${path}` })
          .expect(201)
      ).body.id as string;
    const log = async (id: string) =>
      (await t.http().get(`/api/v1/webhooks/${id}/deliveries`).set(bearer(org.key)).expect(200)).body
        .data as Array<{ id: string; attempt: number; status: string }>;
    const ok = await create('/ok');
    const failing = await create('/fail');
    for (const id of [ok, failing]) {
      await t.http().post(`/api/v1/webhooks/${id}/test`).set(bearer(org.key)).expect(202);
    }
    await drainJobs(t);
    const [succeeded] = await log(ok);
    const [pending, failed] = await log(failing);
    expect([succeeded.status, failed.status, pending.status]).toEqual(['succeeded', 'failed', 'pending']);
    await age('webhook_deliveries', 'created_at', [succeeded.id, failed.id, pending.id], 40);

    await t.http().post(`/api/v1/webhooks/${ok}/test`).set(bearer(org.key)).expect(202);
    await drainJobs(t);
    const [recent] = await log(ok);
    expect(recent).toMatchObject({ status: 'succeeded' });

    const { purged } = await t.app.get(WebhookDeliveriesPurger).purge(1);
    expect(purged).toBeGreaterThanOrEqual(2);
    expect((await log(ok)).map((d) => d.id)).toEqual([recent.id]);
    expect((await log(failing)).map((d) => [d.id, d.status])).toEqual([[pending.id, 'pending']]);
  });
});
