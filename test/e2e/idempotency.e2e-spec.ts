import { DataSource } from 'typeorm';
import { IdempotencyPurger } from '../../src/common/idempotency/idempotency-purger.js';
import { createOrganization, createTestApp, TEST_ADMIN_KEY, type TestApp } from '../test-app.js';

const BODY = {
  label: 'Loyer',
  type: 'frais',
  amount: '800',
  amount_with_vat: '960',
  reference: 'LOY-01',
  operation_date: '2021-06-01',
};

describe('Idempotency-Key', () => {
  let t: TestApp;
  let db: DataSource;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('scopes keys by organization: the same key in two organizations creates two receipts', async () => {
    const a = await createOrganization(t, 'A');
    const b = await createOrganization(t, 'B');
    for (const org of [a, b]) {
      await t
        .http()
        .post('/invoice')
        .set('Authorization', `Bearer ${org.key}`)
        .set('Idempotency-Key', 'same')
        .send(BODY)
        .expect(201);
    }
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM receipts WHERE organization_id = ANY($1::uuid[])`,
      [[a.id, b.id]],
    );
    expect(count).toBe(2);
  });

  it('answers 409 while the first request with the key is still running, 422 for another body', async () => {
    const org = await createOrganization(t);
    const send = (body: object) =>
      t
        .http()
        .post('/invoice')
        .set('Authorization', `Bearer ${org.key}`)
        .set('Idempotency-Key', 'busy')
        .send(body);
    await send(BODY).expect(201);
    // As if the first request had not finished yet.
    await db.query(`UPDATE idempotency_keys SET status_code = NULL WHERE owner = $1 AND key = 'busy'`, [
      org.id,
    ]);
    const running = await send(BODY).expect(409);
    expect(running.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
    const other = await send({ ...BODY, amount: '801' }).expect(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('frees a key after a failed first attempt, so the corrected request can use it', async () => {
    const org = await createOrganization(t);
    const send = (body: object) =>
      t
        .http()
        .post('/invoice')
        .set('Authorization', `Bearer ${org.key}`)
        .set('Idempotency-Key', 'retry-me')
        .send(body);
    await send({ ...BODY, amount: '-1' }).expect(422);
    await send(BODY).expect(201);
  });

  it('refuses a malformed key and forgets keys after 24 hours', async () => {
    const org = await createOrganization(t);
    const bad = await t
      .http()
      .post('/invoice')
      .set('Authorization', `Bearer ${org.key}`)
      .set('Idempotency-Key', 'x'.repeat(256))
      .send(BODY)
      .expect(400);
    expect(bad.body.code).toBe('INVALID_IDEMPOTENCY_KEY');

    await t
      .http()
      .post('/api/v1/organizations')
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .set('Idempotency-Key', 'old-one')
      .send({ name: 'Once' })
      .expect(201);
    await db.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-one'`,
    );
    expect(await t.app.get(IdempotencyPurger).purge()).toBeGreaterThanOrEqual(1);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM idempotency_keys WHERE key = 'old-one'`,
    );
    expect(count).toBe(0);
  });
});
