import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { IdempotencyClaim } from '../../src/common/idempotency/idempotency-claim.js';
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
    // As if the first request had not finished yet (and still renewed its lease).
    await db.query(
      `UPDATE idempotency_keys SET status_code = NULL, lease_token = gen_random_uuid(),
       lease_expires_at = now() + interval '1 minute' WHERE owner = $1 AND key = 'busy'`,
      [org.id],
    );
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
    expect((await t.app.get(IdempotencyPurger).purge()).purged).toBeGreaterThanOrEqual(1);
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM idempotency_keys WHERE key = 'old-one'`,
    );
    expect(count).toBe(0);
  });

  describe('after a crash', () => {
    /**
     * What `kill -9` leaves when it falls between claiming the key and committing the receipt: the key
     * in progress under a dead request's lease, and no receipt (crash-recovery.e2e-spec.ts kills for real).
     */
    async function diedBeforeItsWrite(org: { id: string; key: string }, key: string, leaseEnds: string) {
      await send(org, key).expect(201);
      await db.query(`DELETE FROM receipts WHERE organization_id = $1`, [org.id]);
      await db.query(
        `UPDATE idempotency_keys SET status_code = NULL, response_body = NULL,
         lease_token = gen_random_uuid(), lease_expires_at = now() + $3::interval
         WHERE owner = $1 AND key = $2`,
        [org.id, key, leaseEnds],
      );
    }
    const send = (org: { key: string }, key: string, body: object = BODY) =>
      t
        .http()
        .post('/invoice')
        .set('Authorization', `Bearer ${org.key}`)
        .set('Idempotency-Key', key)
        .send(body);
    const receiptCount = async (organizationId: string) =>
      (
        await db.query<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM receipts WHERE organization_id = $1`,
          [organizationId],
        )
      )[0].count;

    it("lets a retry take the key over once the dead request's lease has run out", async () => {
      const org = await createOrganization(t);
      await diedBeforeItsWrite(org, 'died', '10 seconds');
      const running = await send(org, 'died').expect(409);
      expect(running.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      // Says when the key may be taken over, should its request have died.
      expect(Number(running.headers['retry-after'])).toBeGreaterThanOrEqual(8);
      expect(Number(running.headers['retry-after'])).toBeLessThanOrEqual(11);

      await db.query(
        `UPDATE idempotency_keys SET lease_expires_at = now() - interval '1 second' WHERE owner = $1`,
        [org.id],
      );
      const retried = await send(org, 'died').expect(201);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      const replayed = await send(org, 'died').expect(201);
      expect(replayed.headers['idempotent-replayed']).toBe('true');
      expect(replayed.body).toEqual(retried.body);
      expect(await receiptCount(org.id)).toBe(1);
    });

    it("keeps Stripe's 422 for another body, even on a key whose request died", async () => {
      const org = await createOrganization(t);
      await diedBeforeItsWrite(org, 'died-422', '-1 second');
      const other = await send(org, 'died-422', { ...BODY, amount: '801' }).expect(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await receiptCount(org.id)).toBe(0);
    });

    it('frees a key left in progress by a version without leases', async () => {
      const org = await createOrganization(t);
      await diedBeforeItsWrite(org, 'legacy', '0 seconds');
      await db.query(
        `UPDATE idempotency_keys SET lease_token = NULL, lease_expires_at = NULL WHERE owner = $1`,
        [org.id],
      );
      await send(org, 'legacy').expect(201);
      expect(await receiptCount(org.id)).toBe(1);
    });

    it('gives the key to one of several racing retries: one receipt, the others 409 or its replay', async () => {
      const org = await createOrganization(t);
      await diedBeforeItsWrite(org, 'race', '-1 second');
      const answers = await Promise.all(Array.from({ length: 8 }, () => send(org, 'race')));
      const made = answers.filter((a) => a.status === 201 && a.headers['idempotent-replayed'] === undefined);
      expect(made).toHaveLength(1);
      for (const a of answers) {
        if (a.status === 201) expect(a.body).toEqual(made[0].body);
        else expect(a.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      }
      expect(await receiptCount(org.id)).toBe(1);
    });

    it('answers the receipt a request committed before it died, without making another', async () => {
      const org = await createOrganization(t);
      const first = await send(org, 'committed').expect(201);
      // The response is stored in the INSERT's transaction: even the in-progress state a crash right
      // after the commit would leave is never seen; the key replays the committed receipt.
      const [row] = await db.query<{ status_code: number; lease_token: string | null }[]>(
        `SELECT status_code, lease_token FROM idempotency_keys WHERE owner = $1 AND key = 'committed'`,
        [org.id],
      );
      expect(row).toEqual({ status_code: 201, lease_token: null });
      const again = await send(org, 'committed').expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect(await receiptCount(org.id)).toBe(1);
    });

    it('rolls back the write of a request whose key was taken over meanwhile', async () => {
      const org = await createOrganization(t);
      await send(org, 'taken').expect(201);
      const [[{ id }]] = await db.query<[{ id: string }[], number]>(
        `UPDATE idempotency_keys SET status_code = NULL, lease_token = gen_random_uuid(),
         lease_expires_at = now() + interval '1 minute' WHERE owner = $1 AND key = 'taken' RETURNING id`,
        [org.id],
      );
      // The stalled request still holds its old token: storing its response must abort its write.
      const stalled = new IdempotencyClaim(db, id, randomUUID(), 30, 201, (body) => body as object);
      await expect(
        db.transaction(async (manager) => {
          await manager.query(`INSERT INTO organizations (name) VALUES ('written by a stalled request')`);
          await stalled.storeWithin(manager, { id: 1 });
        }),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS' });
      const [{ count }] = await db.query(
        `SELECT count(*)::int AS count FROM organizations WHERE name = 'written by a stalled request'`,
      );
      expect(count).toBe(0);
    });
  });

  /**
   * A kill between the commit and the response must leave the response stored: each POST that creates
   * writes the key's response in the transaction of its row. Triggers note the transaction of each
   * write, and the two must be the same.
   */
  describe('stores the response in the transaction of the row, on every POST that creates', () => {
    const TABLES = [
      'receipts',
      'payment_requests',
      'invoice_uploads',
      'bank_accounts',
      'bank_operations',
      'affectations',
      'organizations',
      'api_keys',
    ];
    beforeAll(async () => {
      await db.query(`CREATE TABLE test_write_transactions (tbl text, txid bigint, key text)`);
      await db.query(`CREATE FUNCTION test_note_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO test_write_transactions
          VALUES (TG_TABLE_NAME, txid_current(), CASE WHEN TG_TABLE_NAME = 'idempotency_keys' THEN to_jsonb(NEW) ->> 'key' END);
          RETURN NEW;
        END $$`);
      for (const table of TABLES) {
        await db.query(
          `CREATE TRIGGER test_note_transaction AFTER INSERT ON ${table}
           FOR EACH ROW EXECUTE FUNCTION test_note_transaction()`,
        );
      }
      await db.query(`CREATE TRIGGER test_note_transaction AFTER UPDATE ON idempotency_keys
        FOR EACH ROW WHEN (NEW.status_code IS NOT NULL AND OLD.status_code IS NULL)
        EXECUTE FUNCTION test_note_transaction()`);
    });
    afterAll(async () => {
      for (const table of [...TABLES, 'idempotency_keys']) {
        await db.query(`DROP TRIGGER test_note_transaction ON ${table}`);
      }
      await db.query(`DROP FUNCTION test_note_transaction`);
      await db.query(`DROP TABLE test_write_transactions`);
    });

    /** The tables written in the transaction that stored the response of `key`. */
    async function writtenWithResponse(key: string): Promise<string[]> {
      const rows = await db.query<{ tbl: string }[]>(
        `SELECT w.tbl FROM test_write_transactions w
         JOIN test_write_transactions k ON k.txid = w.txid AND k.key = $1
         WHERE w.tbl <> 'idempotency_keys' ORDER BY w.tbl`,
        [key],
      );
      return [...new Set(rows.map((r) => r.tbl))];
    }

    it('for each route', async () => {
      const org = await createOrganization(t);
      const post = (path: string, key: string, body: object, bearer = org.key) =>
        t.http().post(path).set('Authorization', `Bearer ${bearer}`).set('Idempotency-Key', key).send(body);

      const receipt = await post('/invoice', 'tx-receipt', BODY).expect(201);
      expect(await writtenWithResponse('tx-receipt')).toEqual(['receipts']);

      await post('/api/v1/payment-requests', 'tx-request', { amount: '10.00', currency: 'EUR' }).expect(201);
      expect(await writtenWithResponse('tx-request')).toEqual(['payment_requests']);

      await post('/api/v1/invoice-uploads/presign', 'tx-presign', {
        filename: 'facture.pdf',
        mimeType: 'application/pdf',
        size: 100,
      }).expect(200);
      expect(await writtenWithResponse('tx-presign')).toEqual(['invoice_uploads']);

      const account = await post('/api/v1/bank-accounts', 'tx-account', { name: 'Compte courant' }).expect(
        201,
      );
      expect(await writtenWithResponse('tx-account')).toEqual(['bank_accounts']);

      const line = await post('/api/v1/bank-operations', 'tx-line', {
        bankAccountId: account.body.id,
        date: '2021-06-01',
        label: 'Loyer',
        amount: '-960.00',
      }).expect(201);
      expect(await writtenWithResponse('tx-line')).toEqual(['bank_operations']);

      await post('/api/v1/affectations', 'tx-affectation', {
        receiptId: receipt.body.id,
        bankOperationId: line.body.id,
      }).expect(201);
      expect(await writtenWithResponse('tx-affectation')).toEqual(['affectations']);

      await post('/api/v1/api-keys', 'tx-api-key', { name: 'lecture', scopes: ['receipts:read'] }).expect(
        201,
      );
      expect(await writtenWithResponse('tx-api-key')).toEqual(['api_keys']);

      await post('/api/v1/organizations', 'tx-organization', { name: 'Tx SARL' }, TEST_ADMIN_KEY).expect(201);
      expect(await writtenWithResponse('tx-organization')).toEqual(['api_keys', 'organizations']);
    });
  });
});
