import { DataSource } from 'typeorm';
import { bearer, expectError, keyWithScopes } from '../support/bank.js';
import { Receiver, until } from '../support/webhook-receiver.js';
import {
  createOrganization,
  createTestApp,
  drainJobs,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

type Delivery = Record<string, unknown> & { id: string; eventId: string; status: string };

/**
 * POST /webhooks/{id}/recover: a receiver that failed every attempt of a short schedule (0,1: two
 * attempts) comes back, and one call sends every event it lost again.
 */
describe('webhooks: recovering the events given up', () => {
  let t: TestApp;
  let org: TestOrganization;
  const receiver = new Receiver();
  const auth = () => bearer(org.key);

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({
      AUTH_FAILURE_LIMIT: '100000',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,1',
      WEBHOOK_TIMEOUT_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  async function createWebhook(): Promise<{ id: string; secret: string }> {
    const res = await t.http().post('/api/v1/webhooks').set(auth()).send({ url: receiver.url }).expect(201);
    return res.body as { id: string; secret: string };
  }

  const deliveriesOf = async (id: string, status?: string): Promise<Delivery[]> =>
    (
      await t
        .http()
        .get(`/api/v1/webhooks/${id}/deliveries`)
        .query({ limit: 100, ...(status && { status }) })
        .set(auth())
        .expect(200)
    ).body.data as Delivery[];

  const recover = (id: string, body: Record<string, unknown>, key = org.key) =>
    t.http().post(`/api/v1/webhooks/${id}/recover`).set(bearer(key)).send(body);

  /** `count` test events whose every attempt fails (500): each ends failed, nextAttemptAt null. */
  async function giveUp(hookId: string, count: number): Promise<string[]> {
    receiver.replies = Array<number>(count * 2).fill(500);
    const eventIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const sent = await t.http().post(`/api/v1/webhooks/${hookId}/test`).set(auth()).expect(202);
      eventIds.push(sent.body.eventId as string);
    }
    await until('every attempt failed', async () => {
      await drainJobs(t);
      const rows = await deliveriesOf(hookId);
      return rows.length === count * 2 && rows.every((r) => r.status === 'failed') ? rows : undefined;
    });
    return eventIds;
  }

  it('sends every given-up event again, same webhook-id and body, once however often it is asked', async () => {
    const hook = await createWebhook();
    receiver.reset(hook.secret);
    const before = new Date(Date.now() - 1000).toISOString();
    const eventIds = await giveUp(hook.id, 3);
    const firstBodies = new Map(receiver.received.map((r) => [r.headers['webhook-id'], r.body]));
    expect(receiver.received).toHaveLength(6);

    // ?status= lists what was given up, newest first as ever.
    const failed = await deliveriesOf(hook.id, 'failed');
    expect(failed).toHaveLength(6);
    expect(failed).toEqual(await deliveriesOf(hook.id));
    const lastAttempts = failed.filter((d) => d.nextAttemptAt === null);
    expect(lastAttempts.map((d) => d.attempt)).toEqual([2, 2, 2]);
    expect(await deliveriesOf(hook.id, 'succeeded')).toEqual([]);
    expect(await deliveriesOf(hook.id, 'pending')).toEqual([]);
    // Paged by the same cursor in the filtered order.
    const page1 = await t
      .http()
      .get(`/api/v1/webhooks/${hook.id}/deliveries?status=failed&limit=4`)
      .set(auth())
      .expect(200);
    const page2 = await t
      .http()
      .get(`/api/v1/webhooks/${hook.id}/deliveries?status=failed&limit=4&cursor=${page1.body.next_cursor}`)
      .set(auth())
      .expect(200);
    expect([...page1.body.data, ...page2.body.data].map((d: Delivery) => d.id)).toEqual(
      failed.map((d) => d.id),
    );
    expect(page2.body.has_more).toBe(false);

    // A window that ends before the events, or starts after them, recovers none.
    await recover(hook.id, { since: new Date(Date.now() - 3_600_000).toISOString(), until: before })
      .expect(202)
      .expect({ recovering: 0 });
    await recover(hook.id, { since: new Date().toISOString().replace('Z', '+00:00') })
      .expect(202)
      .expect({ recovering: 0 });

    // The receiver is back, but slow at first: the new series' first attempts stay pending (1 s
    // timeout, then the retry 1 s later succeeds).
    receiver.replies = ['hang', 'hang', 'hang'];
    await recover(hook.id, { since: before }).expect(202).expect({ recovering: 3 });
    const pending = await deliveriesOf(hook.id, 'pending');
    expect(pending).toHaveLength(3);
    expect(new Set(pending.map((d) => d.redeliveryOf))).toEqual(new Set(lastAttempts.map((d) => d.id)));
    expect(pending.every((d) => d.attempt === 1)).toBe(true);
    // While they are pending, a second recovery starts nothing.
    await recover(hook.id, { since: before }).expect(202).expect({ recovering: 0 });

    const succeeded = await until('the recovered events delivered', async () => {
      await drainJobs(t);
      const rows = await deliveriesOf(hook.id, 'succeeded');
      return rows.length === 3 ? rows : undefined;
    });
    expect(new Set(succeeded.map((d) => d.eventId))).toEqual(new Set(eventIds));
    const again = receiver.received.slice(6);
    expect(again).toHaveLength(6); // 3 hung attempts, 3 answered 200
    for (const r of again) {
      expect(r.verified).toMatchObject({ id: r.headers['webhook-id'], type: 'webhook.test' });
      expect(r.body).toBe(firstBodies.get(r.headers['webhook-id']));
    }
    expect(new Set(again.map((r) => r.headers['webhook-id']))).toEqual(new Set(eventIds));
    // Delivered: nothing left to recover.
    await recover(hook.id, { since: before }).expect(202).expect({ recovering: 0 });
    await drainJobs(t);
    expect(receiver.received).toHaveLength(12);
  });

  it('refuses a bad or too large window (422), and needs the webhooks:manage scope', async () => {
    const hook = await createWebhook();
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    for (const body of [
      {},
      { since: 'yesterday' },
      { since: '2026-11-20' }, // a date, not a date-time
      { since: '2026-11-20T00:00:00' }, // no time zone
      { since: at(1000), until: 42 },
    ]) {
      expectError(await recover(hook.id, body), 422, 'VALIDATION_FAILED');
    }
    const invalid = [
      { since: at(0), until: at(1000) }, // since after until
      { since: at(1000), until: at(1000) }, // empty
      { since: new Date(now + 60_000).toISOString() }, // in the future: after now
      { since: at(15 * 86_400_000) }, // 15 days to now
      { since: at(30 * 86_400_000), until: at(15 * 86_400_000 - 1) },
    ];
    for (const body of invalid) {
      expectError(await recover(hook.id, body), 422, 'WEBHOOK_RECOVER_WINDOW_INVALID');
    }
    // Exactly 14 days is allowed (until given: "now" by the server's clock is a little later).
    await recover(hook.id, { since: at(14 * 86_400_000), until: at(0) })
      .expect(202)
      .expect({ recovering: 0 });
    expectError(
      await t.http().get(`/api/v1/webhooks/${hook.id}/deliveries?status=lost`).set(auth()),
      422,
      'VALIDATION_FAILED',
    );
    const readOnly = await keyWithScopes(t, org, ['payment-requests:read']);
    expect((await recover(hook.id, { since: at(1000) }, readOnly)).status).toBe(403);
  });

  it("hides another organization's endpoint (404)", async () => {
    const hook = await createWebhook();
    receiver.reset(hook.secret);
    const before = new Date(Date.now() - 1000).toISOString();
    await giveUp(hook.id, 1);
    const other = await createOrganization(t);
    expectError(await recover(hook.id, { since: before }, other.key), 404, 'WEBHOOK_NOT_FOUND');
    expectError(
      await t.http().get(`/api/v1/webhooks/${hook.id}/deliveries?status=failed`).set(bearer(other.key)),
      404,
      'WEBHOOK_NOT_FOUND',
    );
    expectError(await recover('nope', { since: before }), 404, 'WEBHOOK_NOT_FOUND');
    await drainJobs(t);
    expect(await deliveriesOf(hook.id, 'pending')).toEqual([]);
  });

  it('refuses a disabled endpoint (409), by a 410 or by PATCH, until it is enabled again', async () => {
    const hook = await createWebhook();
    receiver.reset(hook.secret);
    const before = new Date(Date.now() - 1000).toISOString();
    receiver.replies = [410];
    await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
    await drainJobs(t);
    expect((await deliveriesOf(hook.id, 'failed')).map((d) => d.responseStatus)).toEqual([410]);
    expectError(await recover(hook.id, { since: before }), 409, 'WEBHOOK_DISABLED');

    await t.http().patch(`/api/v1/webhooks/${hook.id}`).set(auth()).send({ enabled: true }).expect(200);
    await t.http().patch(`/api/v1/webhooks/${hook.id}`).set(auth()).send({ enabled: false }).expect(200);
    expectError(await recover(hook.id, { since: before }), 409, 'WEBHOOK_DISABLED');
    expect(await deliveriesOf(hook.id, 'pending')).toEqual([]);

    await t.http().patch(`/api/v1/webhooks/${hook.id}`).set(auth()).send({ enabled: true }).expect(200);
    await recover(hook.id, { since: before }).expect(202).expect({ recovering: 1 });
    await drainJobs(t);
    expect((await deliveriesOf(hook.id)).map((d) => [d.attempt, d.status])).toEqual([
      [1, 'succeeded'],
      [1, 'failed'],
    ]);
    expect(receiver.received.at(-1)?.verified).toMatchObject({ type: 'webhook.test' });
  });

  it('refuses more than 1000 events at once, starting none; a narrower window then goes, once even when asked twice at once', async () => {
    const hook = await createWebhook();
    receiver.reset(hook.secret);
    // 1001 given-up events a day old, one a second (a thousand real ones would take minutes to fail).
    const base = Date.now() - 86_400_000;
    await t.app.get(DataSource).query(
      `INSERT INTO webhook_deliveries
         (organization_id, endpoint_id, event_id, event_type, body, attempt, status, scheduled_at, created_at,
          attempted_at, response_status)
       SELECT $1, $2, e.id, 'webhook.test', json_build_object('id', e.id, 'n', i)::text, 1, 'failed', at, at, at, 500
         FROM generate_series(1, 1001) AS i,
              LATERAL (SELECT gen_random_uuid() AS id, to_timestamp(($3::bigint - i * 1000) / 1000.0) AS at) e`,
      [org.id, hook.id, base],
    );
    const iso = (ms: number) => new Date(ms).toISOString();
    expectError(
      await recover(hook.id, { since: iso(base - 1002 * 1000), until: iso(base) }),
      422,
      'WEBHOOK_RECOVER_TOO_MANY_EVENTS',
    );
    expect(await deliveriesOf(hook.id, 'pending')).toEqual([]);

    // [base - 2.5 s, base): the two newest. Asked twice at once, they are started once.
    const window = { since: iso(base - 2500), until: iso(base) };
    const both = await Promise.all([recover(hook.id, window), recover(hook.id, window)]);
    expect(both.map((r) => r.status)).toEqual([202, 202]);
    expect(both.map((r) => r.body.recovering as number).sort()).toEqual([0, 2]);
    await drainJobs(t);
    const delivered = await deliveriesOf(hook.id, 'succeeded');
    expect(delivered.map((d) => d.attempt)).toEqual([1, 1]);
    expect(receiver.received.map((r) => (r.verified as { n: number }).n).sort()).toEqual([1, 2]);
  });
});
