import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../../src/events/domain-events.js';
import { bearer, expectError, keyWithScopes } from '../support/bank.js';
import { Receiver, until } from '../support/webhook-receiver.js';
import {
  createOrganization,
  createTestApp,
  drainJobs,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

describe('webhooks', () => {
  let t: TestApp;
  let org: TestOrganization;
  const receiver = new Receiver();
  const redirectTarget = new Receiver();
  const auth = () => bearer(org.key);

  beforeAll(async () => {
    await receiver.start();
    await redirectTarget.start();
    t = await createTestApp({
      AUTH_FAILURE_LIMIT: '100000',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,1,1',
      WEBHOOK_TIMEOUT_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
    await redirectTarget.stop();
  });
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  async function createWebhook(body: Record<string, unknown> = {}) {
    const res = await t
      .http()
      .post('/api/v1/webhooks')
      .set(auth())
      .send({ url: receiver.url, ...body })
      .expect(201);
    return res.body as { id: string; secret: string; url: string; events: string[]; enabled: boolean };
  }

  const deliveriesOf = async (id: string) =>
    (await t.http().get(`/api/v1/webhooks/${id}/deliveries`).set(auth()).expect(200)).body.data as Array<
      Record<string, unknown>
    >;

  describe('endpoints', () => {
    it('creates, shows the secret once, gets, lists, updates and deletes', async () => {
      const created = await t
        .http()
        .post('/api/v1/webhooks')
        .set(auth())
        .send({ url: receiver.url, events: ['payment_request.paid'], description: ' Compta ' })
        .expect(201);
      expect(created.body).toEqual({
        id: expect.stringMatching(UUID),
        url: receiver.url,
        events: ['payment_request.paid'],
        description: 'Compta',
        enabled: true,
        secret: expect.stringMatching(SECRET),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = created.body.id;
      const { secret: _secret, ...shown } = created.body;
      const got = await t.http().get(`/api/v1/webhooks/${id}`).set(auth()).expect(200);
      expect(got.body).toEqual(shown);
      expect(JSON.stringify(got.body)).not.toContain(created.body.secret);
      const list = await t.http().get('/api/v1/webhooks').set(auth()).expect(200);
      expect(list.body).toEqual({ data: [shown], has_more: false, next_cursor: null });

      const patched = await t
        .http()
        .patch(`/api/v1/webhooks/${id}`)
        .set(auth())
        .send({ events: [], enabled: false, description: null })
        .expect(200);
      expect(patched.body).toMatchObject({
        id,
        url: receiver.url,
        events: [],
        enabled: false,
        description: null,
      });
      expect(patched.body).not.toHaveProperty('secret');

      await t.http().delete(`/api/v1/webhooks/${id}`).set(auth()).expect(204);
      expectError(await t.http().get(`/api/v1/webhooks/${id}`).set(auth()), 404, 'WEBHOOK_NOT_FOUND');
      expectError(await t.http().delete(`/api/v1/webhooks/${id}`).set(auth()), 404, 'WEBHOOK_NOT_FOUND');
    });

    it('rotates the secret: a new one, shown in that response only, and signing uses it', async () => {
      const hook = await createWebhook();
      const rotated = await t
        .http()
        .post(`/api/v1/webhooks/${hook.id}/rotate-secret`)
        .set(auth())
        .expect(200);
      expect(rotated.body.secret).toMatch(SECRET);
      expect(rotated.body.secret).not.toBe(hook.secret);
      const got = await t.http().get(`/api/v1/webhooks/${hook.id}`).set(auth()).expect(200);
      expect(got.body).not.toHaveProperty('secret');

      receiver.reset(rotated.body.secret);
      await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
      await drainJobs(t);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0].verified).toMatchObject({ type: 'webhook.test' });
      expect(() =>
        new Webhook(hook.secret).verify(receiver.received[0].body, receiver.received[0].headers),
      ).toThrow();
    });

    it('pages the endpoints with a cursor', async () => {
      for (const description of ['A', 'B', 'C']) await createWebhook({ description });
      const all = (await t.http().get('/api/v1/webhooks').set(auth()).expect(200)).body.data;
      expect(all).toHaveLength(3);
      const first = await t.http().get('/api/v1/webhooks?limit=2').set(auth()).expect(200);
      expect(first.body).toMatchObject({ data: all.slice(0, 2), has_more: true });
      const second = await t
        .http()
        .get(`/api/v1/webhooks?limit=2&cursor=${first.body.next_cursor}`)
        .set(auth())
        .expect(200);
      expect(second.body).toEqual({ data: all.slice(2), has_more: false, next_cursor: null });
      expectError(await t.http().get('/api/v1/webhooks?cursor=abc').set(auth()), 422, 'INVALID_CURSOR');
      // Forged: the right shape, but a day that does not exist (PostgreSQL would refuse it).
      const forged = Buffer.from(
        JSON.stringify(['created_at', '2026-02-30T10:00:00.000Z', all[0].id as string]),
      ).toString('base64url');
      for (const path of ['/api/v1/webhooks', `/api/v1/webhooks/${all[0].id as string}/deliveries`]) {
        const forgedSort = path.endsWith('deliveries')
          ? Buffer.from(
              JSON.stringify(['-created_at', '2026-02-30T10:00:00.000Z', all[0].id as string]),
            ).toString('base64url')
          : forged;
        expectError(await t.http().get(`${path}?cursor=${forgedSort}`).set(auth()), 422, 'INVALID_CURSOR');
      }
    });

    it("refuses unknown event types and bad fields, and hides another organization's endpoints", async () => {
      expectError(
        await t
          .http()
          .post('/api/v1/webhooks')
          .set(auth())
          .send({ url: receiver.url, events: ['payment_request.eaten'] }),
        422,
        'VALIDATION_FAILED',
      );
      expectError(
        await t
          .http()
          .post('/api/v1/webhooks')
          .set(auth())
          .send({ url: receiver.url, events: 'charge.created' }),
        422,
        'VALIDATION_FAILED',
      );
      expectError(await t.http().post('/api/v1/webhooks').set(auth()).send({}), 422, 'VALIDATION_FAILED');
      expectError(
        await t.http().post('/api/v1/webhooks').set(auth()).send({ url: receiver.url, enabled: 'yes' }),
        422,
        'VALIDATION_FAILED',
      );
      const hook = await createWebhook();
      expectError(
        await t
          .http()
          .patch(`/api/v1/webhooks/${hook.id}`)
          .set(auth())
          .send({ events: ['nope'] }),
        422,
        'VALIDATION_FAILED',
      );
      // null clears a description, but url, events and enabled cannot be cleared.
      for (const field of ['url', 'events', 'enabled']) {
        expectError(
          await t
            .http()
            .patch(`/api/v1/webhooks/${hook.id}`)
            .set(auth())
            .send({ [field]: null }),
          422,
          'VALIDATION_FAILED',
        );
        expectError(
          await t
            .http()
            .post('/api/v1/webhooks')
            .set(auth())
            .send({ url: receiver.url, [field]: null }),
          422,
          'VALIDATION_FAILED',
        );
      }

      const other = await createOrganization(t);
      const asOther = bearer(other.key);
      for (const call of [
        t.http().get(`/api/v1/webhooks/${hook.id}`),
        t.http().patch(`/api/v1/webhooks/${hook.id}`).send({ enabled: false }),
        t.http().delete(`/api/v1/webhooks/${hook.id}`),
        t.http().post(`/api/v1/webhooks/${hook.id}/rotate-secret`),
        t.http().post(`/api/v1/webhooks/${hook.id}/test`),
        t.http().get(`/api/v1/webhooks/${hook.id}/deliveries`),
      ]) {
        expectError(await call.set(asOther), 404, 'WEBHOOK_NOT_FOUND');
      }
      expect((await t.http().get('/api/v1/webhooks').set(asOther).expect(200)).body.data).toEqual([]);
      expectError(await t.http().get('/api/v1/webhooks/not-a-uuid').set(auth()), 404, 'WEBHOOK_NOT_FOUND');
      expect((await t.http().get(`/api/v1/webhooks/${hook.id}`).set(auth()).expect(200)).body.enabled).toBe(
        true,
      );
    });

    it('honours Idempotency-Key: a retry gets the same endpoint and secret, never a second endpoint', async () => {
      const post = (key: string, body: Record<string, unknown>) =>
        t.http().post('/api/v1/webhooks').set(auth()).set('Idempotency-Key', key).send(body);
      const body = { url: receiver.url, events: ['charge.created'], description: 'ERP' };
      const first = await post('hook-1', body).expect(201);
      expect(first.body.secret).toMatch(SECRET);
      const again = await post('hook-1', body).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      // The identical answer, secret included (see the README): the client that lost it can sign-check.
      expect(again.body).toEqual(first.body);
      expectError(await post('hook-1', { ...body, description: 'other' }), 422, 'IDEMPOTENCY_KEY_REUSED');

      // Racing retries of one key: one endpoint whatever the interleaving.
      const raced = await Promise.all(Array.from({ length: 6 }, () => post('hook-2', body)));
      const made = raced.filter((r) => r.status === 201);
      expect(made.length).toBeGreaterThanOrEqual(1);
      for (const r of raced) expect([201, 409]).toContain(r.status);
      expect(new Set(made.map((r) => r.body.id as string)).size).toBe(1);
      expect(new Set(made.map((r) => r.body.secret as string)).size).toBe(1);

      const listed = (await t.http().get('/api/v1/webhooks').set(auth()).expect(200)).body.data as Array<{
        id: string;
      }>;
      expect(listed.map((w) => w.id).sort()).toEqual([first.body.id, made[0].body.id].sort());

      // The secret replayed is the one that signs.
      receiver.reset(again.body.secret);
      await t.http().post(`/api/v1/webhooks/${first.body.id}/test`).set(auth()).expect(202);
      await drainJobs(t);
      expect(receiver.received[0].verified).toMatchObject({ type: 'webhook.test' });
    });

    it('needs the webhooks:manage scope (which the organization admin key has)', async () => {
      const readOnly = await keyWithScopes(t, org, ['payment-requests:read', 'bank:read']);
      expect((await t.http().get('/api/v1/webhooks').set(bearer(readOnly))).status).toBe(403);
      expect(
        (await t.http().post('/api/v1/webhooks').set(bearer(readOnly)).send({ url: receiver.url })).status,
      ).toBe(403);
      const manager = await keyWithScopes(t, org, ['webhooks:manage']);
      await t.http().get('/api/v1/webhooks').set(bearer(manager)).expect(200);
    });
  });

  describe('SSRF guard at creation', () => {
    it.each([
      ['a private address', 'http://10.0.0.1/hooks', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['IPv6 loopback (not in the allowed 127.0.0.0/8)', 'http://[::1]:8080/hooks', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['IPv4-mapped IPv6 metadata', 'http://[::ffff:169.254.169.254]/', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['CGNAT', 'https://100.64.0.1/', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['the unspecified address', 'http://0.0.0.0:80/', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['a decimal-encoded private address', 'http://167772161/', 'WEBHOOK_URL_NOT_PUBLIC'],
      ['ftp', 'ftp://127.0.0.1/', 'WEBHOOK_URL_INVALID'],
      ['credentials', 'http://user:pw@127.0.0.1/', 'WEBHOOK_URL_INVALID'],
      ['a relative URL', '/hooks', 'WEBHOOK_URL_INVALID'],
    ])('refuses %s', async (_, url, code) => {
      expectError(await t.http().post('/api/v1/webhooks').set(auth()).send({ url }), 422, code);
    });

    it('refuses the same on PATCH, leaving the endpoint as it was', async () => {
      const hook = await createWebhook();
      expectError(
        await t.http().patch(`/api/v1/webhooks/${hook.id}`).set(auth()).send({ url: 'http://192.168.1.1/' }),
        422,
        'WEBHOOK_URL_NOT_PUBLIC',
      );
      expect((await t.http().get(`/api/v1/webhooks/${hook.id}`).set(auth()).expect(200)).body.url).toBe(
        receiver.url,
      );
    });
  });

  describe('deliveries', () => {
    it('delivers a test event, signed per Standard Webhooks, and logs it', async () => {
      const hook = await createWebhook({ events: ['charge.created'] });
      receiver.reset(hook.secret);
      const sent = await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
      expect(sent.body).toEqual({ eventId: expect.stringMatching(UUID) });
      await drainJobs(t);

      expect(receiver.received).toHaveLength(1);
      const [got] = receiver.received;
      expect(got.headers['webhook-id']).toBe(sent.body.eventId);
      expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      expect(got.headers['content-type']).toBe('application/json');
      const body = JSON.parse(got.body);
      expect(body).toEqual({
        id: sent.body.eventId,
        type: 'webhook.test',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        data: { webhookId: hook.id, test: true },
      });
      expect(got.verified).toEqual(body);

      const log = await deliveriesOf(hook.id);
      expect(log).toEqual([
        expect.objectContaining({
          eventId: sent.body.eventId,
          eventType: 'webhook.test',
          attempt: 1,
          status: 'succeeded',
          responseStatus: 200,
          error: null,
          nextAttemptAt: null,
          redeliveryOf: null,
        }),
      ]);
      expect((log[0].responseBody as string).length).toBe(4096);
      expect(log[0].durationMs).toEqual(expect.any(Number));
    });

    it('fans a payment event out to the enabled endpoints that receive its type, once each', async () => {
      const all = await createWebhook();
      const paid = await createWebhook({ events: ['payment_request.paid', 'charge.created'] });
      const charges = await createWebhook({ events: ['charge.created'] });
      const disabled = await createWebhook({ enabled: false });
      receiver.reset(all.secret);
      const db = t.app.get(DataSource);
      const payload = { id: 'pr_1', status: 'paid', amount: '120.00' };
      const eventId = await db.transaction((manager) =>
        t.app.get(DomainEvents).record(manager, {
          // Declared by the payment-requests module; recorded here directly, as it will be.
          type: 'payment_request.paid',
          organizationId: org.id,
          payload: payload as never,
        }),
      );
      await drainJobs(t);

      expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
      expect((await deliveriesOf(all.id)).map((d) => d.status)).toEqual(['succeeded']);
      expect((await deliveriesOf(paid.id)).map((d) => d.status)).toEqual(['succeeded']);
      expect(await deliveriesOf(charges.id)).toEqual([]);
      expect(await deliveriesOf(disabled.id)).toEqual([]);
      const verifiedByAll = receiver.received.filter((r) => typeof r.verified === 'object');
      expect(verifiedByAll).toHaveLength(1); // the other was signed with the other endpoint's secret
      expect(verifiedByAll[0].verified).toEqual({
        id: eventId,
        type: 'payment_request.paid',
        timestamp: expect.any(String),
        data: payload,
      });
    });

    it('retries a failure on the schedule (timeout, 500, redirect never followed) with the same webhook-id', async () => {
      const hook = await createWebhook();
      receiver.reset(hook.secret);
      receiver.replies = ['hang', 500, { status: 302, location: redirectTarget.url }];
      redirectTarget.reset(hook.secret);
      const sent = await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
      // Schedule 0,1,1: three attempts, all failing (1 s timeout, 500, 302), then nothing more.
      const log = await until('three failed attempts', async () => {
        await drainJobs(t);
        const rows = await deliveriesOf(hook.id);
        return rows.length === 3 && rows.every((r) => r.status === 'failed') ? rows : undefined;
      });
      expect(log.map((r) => [r.attempt, r.responseStatus])).toEqual([
        [3, 302],
        [2, 500],
        [1, null],
      ]);
      expect(log[2].error).toMatch(/no response within 1000 ms/);
      expect(log[2].nextAttemptAt).toEqual(log[1].scheduledAt);
      expect(log[0].nextAttemptAt).toBeNull(); // the schedule is spent
      expect(redirectTarget.received).toHaveLength(0);
      expect(receiver.received).toHaveLength(3);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(
        new Set([sent.body.eventId]),
      );
      expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
      for (const r of receiver.received) expect(r.verified).toMatchObject({ id: sent.body.eventId });

      // Redeliver: a new series, same id and body, and this time it succeeds.
      const again = await t
        .http()
        .post(`/api/v1/webhooks/${hook.id}/deliveries/${log[0].id as string}/redeliver`)
        .set(auth())
        .expect(202);
      expect(again.body).toMatchObject({ attempt: 1, redeliveryOf: log[0].id, status: 'pending' });
      await drainJobs(t);
      expect(receiver.received).toHaveLength(4);
      expect(receiver.received[3].body).toBe(receiver.received[0].body);
      expect(receiver.received[3].headers['webhook-id']).toBe(sent.body.eventId);
      const after = await deliveriesOf(hook.id);
      expect(after[0]).toMatchObject({ id: again.body.id, status: 'succeeded', responseStatus: 200 });
    });

    it('succeeds on a later attempt after a failure', async () => {
      const hook = await createWebhook();
      receiver.reset(hook.secret);
      receiver.replies = [503];
      await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
      const log = await until('a success', async () => {
        await drainJobs(t);
        const rows = await deliveriesOf(hook.id);
        return rows.some((r) => r.status === 'succeeded') ? rows : undefined;
      });
      expect(log.map((r) => [r.attempt, r.status, r.responseStatus])).toEqual([
        [2, 'succeeded', 200],
        [1, 'failed', 503],
      ]);
      expect(receiver.received.every((r) => typeof r.verified === 'object')).toBe(true);
    });

    it('410 Gone disables the endpoint and stops the retries', async () => {
      const hook = await createWebhook();
      receiver.reset(hook.secret);
      receiver.replies = [410];
      await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
      await drainJobs(t);
      const log = await deliveriesOf(hook.id);
      expect(log).toEqual([
        expect.objectContaining({ status: 'failed', responseStatus: 410, nextAttemptAt: null }),
      ]);
      expect((await t.http().get(`/api/v1/webhooks/${hook.id}`).set(auth()).expect(200)).body.enabled).toBe(
        false,
      );
      await new Promise((r) => setTimeout(r, 1500));
      await drainJobs(t);
      expect(receiver.received).toHaveLength(1);
    });

    it('refuses a redelivery of an unknown delivery or through another endpoint', async () => {
      const hook = await createWebhook();
      const other = await createWebhook();
      receiver.reset(hook.secret);
      await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(auth()).expect(202);
      await drainJobs(t);
      const [delivery] = await deliveriesOf(hook.id);
      expectError(
        await t
          .http()
          .post(`/api/v1/webhooks/${other.id}/deliveries/${delivery.id as string}/redeliver`)
          .set(auth()),
        404,
        'WEBHOOK_DELIVERY_NOT_FOUND',
      );
      expectError(
        await t.http().post(`/api/v1/webhooks/${hook.id}/deliveries/nope/redeliver`).set(auth()),
        404,
        'WEBHOOK_DELIVERY_NOT_FOUND',
      );
    });
  });
});

describe('webhooks: receivers that ask us to slow down', () => {
  let t: TestApp;
  let org: TestOrganization;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    // A 1 s step after the first attempt: whatever a receiver asks beyond it shows in next_attempt_at.
    t = await createTestApp({
      AUTH_FAILURE_LIMIT: '100000',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,1,40',
    });
    org = await createOrganization(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  /** The first attempt's log row once it failed with `reply`: its wait until the next, in ms. */
  async function firstFailure(reply: { status: number; headers?: Record<string, string> }) {
    const hook = (
      await t.http().post('/api/v1/webhooks').set(bearer(org.key)).send({ url: receiver.url }).expect(201)
    ).body as { id: string; secret: string };
    receiver.reset(hook.secret);
    receiver.replies = [reply];
    await t.http().post(`/api/v1/webhooks/${hook.id}/test`).set(bearer(org.key)).expect(202);
    await drainJobs(t);
    const log = (
      await t.http().get(`/api/v1/webhooks/${hook.id}/deliveries`).set(bearer(org.key)).expect(200)
    ).body.data as Array<Record<string, string | number | null>>;
    const first = log.find((d) => d.attempt === 1)!;
    const second = log.find((d) => d.attempt === 2)!;
    expect(first).toMatchObject({ status: 'failed', responseStatus: reply.status });
    expect(second).toMatchObject({ status: 'pending', scheduledAt: first.nextAttemptAt });
    // Deleted, so that the pending attempt stays out of the next test's way.
    await t.http().delete(`/api/v1/webhooks/${hook.id}`).set(bearer(org.key)).expect(204);
    return Date.parse(first.nextAttemptAt as string) - Date.parse(first.attemptedAt as string);
  }

  it('waits the seconds a 503 asks in Retry-After rather than the 1 s step', async () => {
    const wait = await firstFailure({ status: 503, headers: { 'retry-after': '7' } });
    expect(wait).toBeGreaterThanOrEqual(7000);
    expect(wait).toBeLessThan(7000 + 5000);
  });

  it('reads an HTTP-date Retry-After of a 429', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 10_000);
    const wait = await firstFailure({ status: 429, headers: { 'retry-after': at.toUTCString() } });
    expect(wait).toBeGreaterThanOrEqual(8000);
    expect(wait).toBeLessThan(10_000 + 5000);
  });

  it("caps what is asked at the schedule's longest step (40 s here)", async () => {
    const wait = await firstFailure({ status: 503, headers: { 'retry-after': '86400' } });
    expect(wait).toBeGreaterThanOrEqual(40_000);
    expect(wait).toBeLessThan(45_000);
  });

  it('ignores Retry-After on other failures: the 1 s step, give or take its 10% jitter', async () => {
    const wait = await firstFailure({ status: 500, headers: { 'retry-after': '30' } });
    expect(wait).toBeGreaterThanOrEqual(900 - 100);
    expect(wait).toBeLessThan(1100 + 1000);
  });
});

describe('webhooks without allowed internal ranges', () => {
  let t: TestApp;
  let org: TestOrganization;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ AUTH_FAILURE_LIMIT: '100000' });
    org = await createOrganization(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('refuses a host name resolving to loopback, and 127.0.0.1 itself', async () => {
    const port = new URL(receiver.url).port;
    for (const url of [`http://localhost:${port}/hooks`, receiver.url]) {
      expectError(
        await t.http().post('/api/v1/webhooks').set(bearer(org.key)).send({ url }),
        422,
        'WEBHOOK_URL_NOT_PUBLIC',
      );
    }
  });

  it('checks again at delivery: an endpoint whose host now resolves to loopback is never reached', async () => {
    // As if its DNS changed after creation: written directly, past the creation check.
    const port = new URL(receiver.url).port;
    const db = t.app.get(DataSource);
    for (const url of [`http://localhost:${port}/hooks`, receiver.url]) {
      const [{ id }] = await db.query<{ id: string }[]>(
        `INSERT INTO webhook_endpoints (organization_id, url, secret) VALUES ($1, $2, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw') RETURNING id`,
        [org.id, url],
      );
      await t.http().post(`/api/v1/webhooks/${id}/test`).set(bearer(org.key)).expect(202);
      await drainJobs(t);
      const log = (await t.http().get(`/api/v1/webhooks/${id}/deliveries`).set(bearer(org.key)).expect(200))
        .body.data;
      // The refusal is an ordinary failed attempt: the next is scheduled (DNS may change back).
      expect(log.find((d: { attempt: number }) => d.attempt === 1)).toMatchObject({
        status: 'failed',
        responseStatus: null,
        error: expect.stringMatching(/not a public address/),
      });
    }
    expect(receiver.received).toHaveLength(0);
  });
});
