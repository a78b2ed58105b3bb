import { createHash, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { PDF } from '../fixtures/files.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/** Seed 004: invoices and charges, over payment requests (same id). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// ISO 8601 UTC; the seed's example has microseconds, milliseconds are as valid.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

function expectError(res: Response, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: statusCode, code });
  expect(res.body).toMatchObject({ statusCode, code, message: expect.any(String) });
}

function expectFieldRefused(res: Response, field: string): void {
  expectError(res, 422, 'VALIDATION_FAILED');
  expect((res.body.details as { field: string }[]).map((d) => d.field)).toContain(field);
}

describe('seed 004 /api/v1/invoices', () => {
  let t: TestApp;
  let db: DataSource;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp({}, { listen: true });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  async function request(amount: string | number = '100.00', currency = 'EUR', key = org.key) {
    const res = await t
      .http()
      .post('/api/v1/payment-requests')
      .set(bearer(key))
      .send({ amount, currency })
      .expect(201);
    return res.body.id as string;
  }
  const getInvoice = (id: string, key = org.key) => t.http().get(`/api/v1/invoices/${id}`).set(bearer(key));
  const charge = (id: string, body: object, key = org.key) =>
    t.http().post(`/api/v1/invoices/${id}/charges`).set(bearer(key)).send(body);
  const deleteCharge = (id: string, chargeId: string, key = org.key) =>
    t.http().delete(`/api/v1/invoices/${id}/charges/${chargeId}`).set(bearer(key));
  const deleteInvoice = (id: string, key = org.key) =>
    t.http().delete(`/api/v1/invoices/${id}`).set(bearer(key));
  const canonical = async (id: string, key = org.key) =>
    (await t.http().get(`/api/v1/payment-requests/${id}`).set(bearer(key)).expect(200)).body;
  const eventTypes = async (organizationId = org.id): Promise<string[]> => {
    const rows = await db.query<{ type: string }[]>(
      `SELECT type FROM events WHERE organization_id = $1 ORDER BY type`,
      [organizationId],
    );
    return rows.map((r) => r.type);
  };

  describe('GET', () => {
    it("answers seed 004's invoice: status 10, total at the currency's scale, no charges, paidTime null", async () => {
      const id = await request('100');
      const res = await getInvoice(id).expect(200);
      expect(res.body).toEqual({
        id,
        status: 10,
        total: '100.00',
        charges: [],
        paidTime: null,
        creationTime: expect.stringMatching(ISO_UTC),
      });
      expect(Math.abs(Date.parse(res.body.creationTime) - Date.now())).toBeLessThan(60_000);
    });
  });

  describe('POST charges', () => {
    it('partial, then exact: 10 until the charges cover the total, then 20 with paidTime', async () => {
      const id = await request('100.00');
      const first = await charge(id, {
        amount: 40,
        reference: 'ch_1',
        note: 'acompte',
        chargeType: 'stripe',
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ id, status: 10, total: '100.00', paidTime: null });
      expect(first.body.charges).toEqual([
        {
          id: expect.stringMatching(UUID),
          amount: '40.00',
          reference: 'ch_1',
          note: 'acompte',
          chargeType: 'stripe',
          creationTime: expect.stringMatching(ISO_UTC),
        },
      ]);
      expect(await canonical(id)).toMatchObject({
        status: 'partially_paid',
        amountPaid: '40.00',
        amountDue: '60.00',
      });

      const second = await charge(id, { amount: '60.00', chargeType: 'check' }).expect(201);
      expect(second.body).toMatchObject({ status: 20, paidTime: expect.stringMatching(ISO_UTC) });
      expect(second.body.charges.map((c: { amount: string }) => c.amount)).toEqual(['40.00', '60.00']);
      expect(second.body.paidTime).toBe(second.body.charges[1].creationTime);
      expect(second.body.charges[1]).toMatchObject({ reference: null, note: null, chargeType: 'check' });
      expect((await getInvoice(id).expect(200)).body).toEqual(second.body);
      const pr = await canonical(id);
      expect(pr).toMatchObject({
        status: 'paid',
        amountPaid: '100.00',
        amountDue: '0.00',
        paidAt: second.body.paidTime,
      });
      expect(pr.charges).toEqual([
        expect.objectContaining({
          paymentRequestId: id,
          amount: '40.00',
          currency: 'EUR',
          chargeType: 'stripe',
        }),
        expect.objectContaining({
          paymentRequestId: id,
          amount: '60.00',
          currency: 'EUR',
          chargeType: 'check',
        }),
      ]);
    });

    it('over the total: 20, and the canonical amountDue is negative', async () => {
      const id = await request('10.00');
      const res = await charge(id, { amount: '12.50', chargeType: 'cash' }).expect(201);
      expect(res.body).toMatchObject({ status: 20, paidTime: expect.stringMatching(ISO_UTC) });
      expect(await canonical(id)).toMatchObject({
        status: 'overpaid',
        amountPaid: '12.50',
        amountDue: '-2.50',
      });
    });

    it('takes 10 and "10.00" as the same amount; 0.1 as a number is exact', async () => {
      const id = await request('20.10');
      await charge(id, { amount: 10, chargeType: 'manual' }).expect(201);
      await charge(id, { amount: '10.00', chargeType: 'manual' }).expect(201);
      const res = await charge(id, { amount: 0.1, chargeType: 'manual' }).expect(201);
      expect(res.body.charges.map((c: { amount: string }) => c.amount)).toEqual(['10.00', '10.00', '0.10']);
      expect(res.body.status).toBe(20);
      expect(await canonical(id)).toMatchObject({ status: 'paid', amountPaid: '20.10', amountDue: '0.00' });
    });

    it('refuses 0.1 + 0.2 sent as a JSON number rather than rounding it, and records nothing', async () => {
      const id = await request('1.00');
      const res = await charge(id, { amount: 0.1 + 0.2, chargeType: 'manual' });
      expectFieldRefused(res, 'amount');
      expect((await getInvoice(id).expect(200)).body.charges).toEqual([]);
    });

    it('takes JPY whole, refuses decimals in JPY naming amount, and accepts three in KWD', async () => {
      const yen = await request('1000', 'JPY');
      const res = await charge(yen, { amount: 1000, chargeType: 'transfer' }).expect(201);
      expect(res.body).toMatchObject({ total: '1000', status: 20 });
      expect(res.body.charges[0].amount).toBe('1000');
      const refused = await charge(yen, { amount: '10.5', chargeType: 'transfer' });
      expectFieldRefused(refused, 'amount');
      expect(refused.body.message).toContain('JPY');

      const kwd = await request('1.000', 'KWD');
      const k = await charge(kwd, { amount: '0.125', chargeType: 'transfer' }).expect(201);
      expect(k.body).toMatchObject({ total: '1.000', status: 10 });
      expect(k.body.charges[0].amount).toBe('0.125');
      expectFieldRefused(await charge(kwd, { amount: '0.1255', chargeType: 'transfer' }), 'amount');
    });

    it.each([
      ['zero', { amount: 0, chargeType: 'cash' }, 'amount'],
      ['negative', { amount: '-5', chargeType: 'cash' }, 'amount'],
      ['missing', { chargeType: 'cash' }, 'amount'],
      ['null', { amount: null, chargeType: 'cash' }, 'amount'],
      ['not a number', { amount: 'ten', chargeType: 'cash' }, 'amount'],
      ['boolean', { amount: true, chargeType: 'cash' }, 'amount'],
      ['too many decimals for EUR', { amount: '1.001', chargeType: 'cash' }, 'amount'],
      ['too large', { amount: '1e20', chargeType: 'cash' }, 'amount'],
      ['unknown chargeType', { amount: 1, chargeType: 'bitcoin-maybe' }, 'chargeType'],
      ['no chargeType', { amount: 1 }, 'chargeType'],
      ['reference not a string', { amount: 1, chargeType: 'cash', reference: 42 }, 'reference'],
      ['note too long', { amount: 1, chargeType: 'cash', note: 'x'.repeat(1001) }, 'note'],
    ])('refuses a bad body (%s) with 422 naming the field, recording nothing', async (_, body, field) => {
      const id = await request('100.00');
      expectFieldRefused(await charge(id, body), field);
      expect((await getInvoice(id).expect(200)).body.charges).toEqual([]);
      expect(await eventTypes()).toEqual(['payment_request.created']);
    });

    it('answers a malformed JSON body with a 4xx in the envelope', async () => {
      const id = await request();
      const res = await t
        .http()
        .post(`/api/v1/invoices/${id}/charges`)
        .set(bearer(org.key))
        .set('Content-Type', 'application/json')
        .send('{"amount": 10,');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toMatchObject({ statusCode: res.status, code: expect.any(String) });
    });

    it('records a charge that arrives after cancelling (late payment): still cancelled, amountDue to give back', async () => {
      const id = await request('50.00');
      await t.http().post(`/api/v1/payment-requests/${id}/cancel`).set(bearer(org.key)).expect(200);
      const res = await charge(id, { amount: '50.00', chargeType: 'transfer', reference: 'late' }).expect(
        201,
      );
      expect(res.body).toMatchObject({ status: 10, paidTime: null });
      expect(res.body.charges).toHaveLength(1);
      expect(await canonical(id)).toMatchObject({
        status: 'cancelled',
        amountPaid: '50.00',
        amountDue: '-50.00',
      });
    });

    it('two racing charges that together cover the total: 20 and amountPaid the sum, every time', async () => {
      for (let run = 0; run < 5; run++) {
        const id = await request('100.00');
        const [a, b] = await Promise.all([
          charge(id, { amount: '60.00', chargeType: 'stripe' }),
          charge(id, { amount: '40.00', chargeType: 'cash' }),
        ]);
        expect([a.status, b.status]).toEqual([201, 201]);
        // Serialised by the row lock: exactly one of them saw the other and answers 20.
        expect([a.body.status, b.body.status].sort()).toEqual([10, 20]);
        const after = await getInvoice(id).expect(200);
        expect(after.body).toMatchObject({ status: 20, paidTime: expect.stringMatching(ISO_UTC) });
        expect(after.body.charges).toHaveLength(2);
        expect(await canonical(id)).toMatchObject({
          status: 'paid',
          amountPaid: '100.00',
          amountDue: '0.00',
        });
      }
      const paid: { n: string }[] = await db.query(
        `SELECT count(*) AS n FROM events WHERE organization_id = $1 AND type = 'payment_request.paid'`,
        [org.id],
      );
      expect(Number(paid[0].n)).toBe(5);
    });

    describe('Idempotency-Key', () => {
      it('replays the first answer for a retry and records one charge', async () => {
        const id = await request('100.00');
        const key = randomUUID();
        const send = () =>
          t
            .http()
            .post(`/api/v1/invoices/${id}/charges`)
            .set(bearer(org.key))
            .set('Idempotency-Key', key)
            .send({ amount: 30, chargeType: 'stripe', reference: 'pi_1' });
        const first = await send().expect(201);
        const retry = await send().expect(201);
        expect(retry.body).toEqual(first.body);
        const now = await getInvoice(id).expect(200);
        expect(now.body.charges).toHaveLength(1);
        expect(await eventTypes()).toEqual([
          'charge.created',
          'payment_request.created',
          'payment_request.updated',
        ]);
      });

      it('racing retries with one key record one charge', async () => {
        const id = await request('100.00');
        const key = randomUUID();
        const send = () =>
          t
            .http()
            .post(`/api/v1/invoices/${id}/charges`)
            .set(bearer(org.key))
            .set('Idempotency-Key', key)
            .send({ amount: 30, chargeType: 'stripe' });
        const answers = await Promise.all([send(), send(), send()]);
        for (const a of answers) expect([201, 409]).toContain(a.status);
        expect((await getInvoice(id).expect(200)).body.charges).toHaveLength(1);
      });
    });
  });

  describe('DELETE charge', () => {
    it('back to 10 and paidTime null when what is left no longer covers the total', async () => {
      const id = await request('100.00');
      await charge(id, { amount: 70, chargeType: 'cash' }).expect(201);
      const paid = await charge(id, { amount: 30, chargeType: 'cash' }).expect(201);
      expect(paid.body.status).toBe(20);
      const removed = paid.body.charges[1].id as string;
      const res = await deleteCharge(id, removed).expect(200);
      expect(res.body).toMatchObject({ id, status: 10, paidTime: null });
      expect(res.body.charges.map((c: { id: string }) => c.id)).toEqual([paid.body.charges[0].id]);
      expect(await canonical(id)).toMatchObject({
        status: 'partially_paid',
        amountPaid: '70.00',
        paidAt: null,
      });
      // Gone: deleting it again is 404.
      expectError(await deleteCharge(id, removed), 404, 'CHARGE_NOT_FOUND');
    });

    it('stays 20 when what is left still covers the total, and keeps the first paid time', async () => {
      const id = await request('10.00');
      const first = await charge(id, { amount: 10, chargeType: 'cash' }).expect(201);
      const second = await charge(id, { amount: 5, chargeType: 'cash' }).expect(201);
      const res = await deleteCharge(id, second.body.charges[1].id).expect(200);
      expect(res.body).toMatchObject({ status: 20, paidTime: first.body.paidTime });
    });

    it("answers 404 for a charge of another invoice, even the organization's own", async () => {
      const a = await request();
      const b = await request();
      const c = await charge(a, { amount: 1, chargeType: 'cash' }).expect(201);
      expectError(await deleteCharge(b, c.body.charges[0].id), 404, 'CHARGE_NOT_FOUND');
      expect((await getInvoice(a).expect(200)).body.charges).toHaveLength(1);
    });
  });

  describe('DELETE invoice', () => {
    it('answers {} and then 404', async () => {
      const id = await request();
      const res = await deleteInvoice(id).expect(200);
      expect(res.body).toEqual({});
      expectError(await getInvoice(id), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(
        await t.http().get(`/api/v1/payment-requests/${id}`).set(bearer(org.key)),
        404,
        'PAYMENT_REQUEST_NOT_FOUND',
      );
      expectError(await deleteInvoice(id), 404, 'PAYMENT_REQUEST_NOT_FOUND');
    });

    it('refuses an invoice with charges (409 INVOICE_HAS_CHARGES) and keeps it; once they are deleted it goes', async () => {
      const id = await request();
      const c = await charge(id, { amount: 1, chargeType: 'cash' }).expect(201);
      const res = await deleteInvoice(id);
      expectError(res, 409, 'INVOICE_HAS_CHARGES');
      expect((await getInvoice(id).expect(200)).body.charges).toHaveLength(1);
      await deleteCharge(id, c.body.charges[0].id).expect(200);
      await deleteInvoice(id).expect(200);
    });

    it('detaches its invoice document, which becomes a temporary upload again', async () => {
      const id = await request();
      const presign = await t
        .http()
        .post('/api/v1/invoice-uploads/presign')
        .set(bearer(org.key))
        .send({ filename: 'facture.pdf', mimeType: 'application/pdf', size: PDF.length })
        .expect(200);
      const uploadId = presign.body.uploadId as string;
      const put = await fetch(presign.body.url as string, {
        method: 'PUT',
        body: PDF,
        headers: { 'Content-Type': 'application/pdf' },
      });
      expect(put.status).toBe(200);
      await t
        .http()
        .post(`/api/v1/invoice-uploads/${uploadId}/confirm`)
        .set(bearer(org.key))
        .send({ sha256: createHash('sha256').update(PDF).digest('hex') })
        .expect(200);
      await t.http().post(`/api/v1/${id}/invoice/attach/${uploadId}`).set(bearer(org.key)).expect(200);
      const attached: { status: string; expires_at: Date | null }[] = await db.query(
        `SELECT status, expires_at FROM invoice_uploads WHERE id = $1`,
        [uploadId],
      );
      expect(attached[0].status).toBe('attached');

      await deleteInvoice(id).expect(200);
      const after: { status: string; attached_to: string | null; expires_at: Date | null }[] = await db.query(
        `SELECT status, attached_to, expires_at FROM invoice_uploads WHERE id = $1`,
        [uploadId],
      );
      // Confirmed with an end of retention: the upload expiry removes it and its file.
      expect(after[0]).toMatchObject({
        status: 'confirmed',
        attached_to: null,
        expires_at: expect.any(Date),
      });
      // Attachable again elsewhere, which it could not be while attached to the deleted request.
      const other = await request();
      await t.http().post(`/api/v1/${other}/invoice/attach/${uploadId}`).set(bearer(org.key)).expect(200);
    });
  });

  describe("another organization's ids and malformed ids", () => {
    it('answers 404 on every path and changes nothing', async () => {
      const other = await createOrganization(t, 'Autre SAS');
      const theirs = await request('100.00', 'EUR', other.key);
      const theirCharge = (await charge(theirs, { amount: 10, chargeType: 'cash' }, other.key).expect(201))
        .body.charges[0].id as string;
      const mine = await request();
      expectError(await getInvoice(theirs), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(await charge(theirs, { amount: 90, chargeType: 'cash' }), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(await deleteCharge(theirs, theirCharge), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(await deleteCharge(mine, theirCharge), 404, 'CHARGE_NOT_FOUND');
      expectError(await deleteInvoice(theirs), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(await getInvoice(randomUUID()), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      const still = await getInvoice(theirs, other.key).expect(200);
      expect(still.body).toMatchObject({ status: 10, total: '100.00' });
      expect(still.body.charges).toHaveLength(1);
    });

    it('answers 400 INVALID_UUID for a malformed id, as the other seed routes', async () => {
      const id = await request();
      expectError(await getInvoice('not-a-uuid'), 400, 'INVALID_UUID');
      expectError(await charge('123', { amount: 1, chargeType: 'cash' }), 400, 'INVALID_UUID');
      expectError(await deleteCharge(id, 'x'), 400, 'INVALID_UUID');
      expectError(await deleteInvoice("1' OR '1'='1"), 400, 'INVALID_UUID');
    });
  });

  describe('scopes', () => {
    it('lets payment-requests:read read, and refuses it the writes (403)', async () => {
      const id = await request();
      const key = (
        await t
          .http()
          .post('/api/v1/api-keys')
          .set(bearer(org.key))
          .send({ name: 'read only', scopes: ['payment-requests:read'] })
          .expect(201)
      ).body.key as string;
      await getInvoice(id, key).expect(200);
      expect((await charge(id, { amount: 1, chargeType: 'cash' }, key)).status).toBe(403);
      expect((await deleteInvoice(id, key)).status).toBe(403);
      expect((await t.http().get(`/api/v1/invoices/${id}`)).status).toBe(401);
    });
  });

  describe('events, in the transaction of their change', () => {
    it('records created, updated, paid, unpaid, charge.created/deleted and cancelled with the canonical resource', async () => {
      const id = await request('100.00');
      await charge(id, { amount: 50, chargeType: 'cash' }).expect(201); // → partially_paid: updated
      const full = await charge(id, { amount: 50, chargeType: 'cash' }).expect(201); // → paid
      await deleteCharge(id, full.body.charges[1].id).expect(200); // → partially_paid: unpaid
      await t.http().post(`/api/v1/payment-requests/${id}/cancel`).set(bearer(org.key)).expect(200);
      const rows: { type: string; payload: Record<string, unknown> }[] = await db.query(
        `SELECT type, payload FROM events WHERE organization_id = $1 ORDER BY occurred_at, type`,
        [org.id],
      );
      expect(rows.map((r) => r.type).sort()).toEqual(
        [
          'payment_request.created',
          'charge.created',
          'payment_request.updated',
          'charge.created',
          'payment_request.paid',
          'charge.deleted',
          'payment_request.unpaid',
          'payment_request.cancelled',
        ].sort(),
      );
      const paid = rows.find((r) => r.type === 'payment_request.paid')!;
      expect(paid.payload).toMatchObject({ id, status: 'paid', amountPaid: '100.00', amountDue: '0.00' });
      const unpaid = rows.find((r) => r.type === 'payment_request.unpaid')!;
      expect(unpaid.payload).toMatchObject({
        id,
        status: 'partially_paid',
        amountPaid: '50.00',
        paidAt: null,
      });
      const deleted = rows.find((r) => r.type === 'charge.deleted')!;
      expect(deleted.payload).toEqual({
        id: full.body.charges[1].id,
        paymentRequestId: id,
        amount: '50.00',
        currency: 'EUR',
        reference: null,
        note: null,
        chargeType: 'cash',
        createdAt: full.body.charges[1].creationTime,
        // The canonical charge's state (issue 11): a manual charge is settled when it is made.
        state: 'settled',
        settledAt: full.body.charges[1].creationTime,
        voidedAt: null,
        confirmations: null,
        originalAmount: null,
        originalCurrency: null,
      });
      expect(rows.find((r) => r.type === 'payment_request.cancelled')!.payload).toMatchObject({
        status: 'cancelled',
        cancelledAt: expect.stringMatching(ISO_UTC),
      });
    });

    it('a charge whose transaction rolls back leaves neither the charge nor any event', async () => {
      const id = await request('10.00');
      const marker = `boom-${randomUUID()}`;
      // A deferred trigger fails the commit of this one charge, after the events were written.
      await db.query(`
        CREATE OR REPLACE FUNCTION test_fail_charge() RETURNS trigger AS $$
        BEGIN
          IF NEW.reference LIKE 'boom-%' THEN RAISE EXCEPTION 'test: charge refused at commit'; END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql`);
      await db.query(`DROP TRIGGER IF EXISTS test_fail_charge ON charges`);
      await db.query(`
        CREATE CONSTRAINT TRIGGER test_fail_charge AFTER INSERT ON charges
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_charge()`);
      try {
        const before = await eventTypes();
        const res = await charge(id, { amount: 10, chargeType: 'cash', reference: marker });
        expect(res.status).toBe(500);
        expect(await eventTypes()).toEqual(before);
        expect((await getInvoice(id).expect(200)).body).toMatchObject({ status: 10, charges: [] });
      } finally {
        await db.query(`DROP TRIGGER IF EXISTS test_fail_charge ON charges`);
        await db.query(`DROP FUNCTION IF EXISTS test_fail_charge()`);
      }
      // The same charge without the fault goes through, with its events.
      await charge(id, { amount: 10, chargeType: 'cash' }).expect(201);
      expect(await eventTypes()).toEqual([
        'charge.created',
        'payment_request.created',
        'payment_request.paid',
      ]);
    });
  });
});
