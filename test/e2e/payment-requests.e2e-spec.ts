import { randomUUID } from 'node:crypto';
import type { Response, Test } from 'supertest';
import { DataSource } from 'typeorm';
import type { PaymentRequestDto } from '../../src/modules/payment-requests/dto/payment-request.dto.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

const BASE = '/api/v1/payment-requests';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const FULL_BODY = {
  amount: '1200.50',
  currency: 'EUR',
  description: 'Facture F-2021-042',
  customerEmail: 'client@example.fr',
  dueDate: '2021-07-31',
};

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** The error envelope of the /api/v1 resources, with this exact status and code. */
function expectError(res: Response, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: statusCode, code });
  expect(res.body).toMatchObject({
    statusCode,
    code,
    message: expect.any(String),
    requestId: res.headers['x-request-id'],
  });
}

/** The fields named in a VALIDATION_FAILED answer, sorted. */
function failingFields(res: Response): string[] {
  expectError(res, 422, 'VALIDATION_FAILED');
  const details = res.body.details as { field: string; messages: string[] }[];
  for (const d of details) expect(d.messages).toEqual(expect.arrayContaining([expect.any(String)]));
  return [...new Set(details.map((d) => d.field))].sort();
}

/** A client error in the common envelope: never a 5xx, never a crash. */
function expectClientError(res: Response): void {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.status).toBeLessThan(500);
  expect(res.body).toMatchObject({
    statusCode: res.status,
    code: expect.any(String),
    requestId: res.headers['x-request-id'],
  });
}

const forgeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('/api/v1/payment-requests', () => {
  let t: TestApp;
  let db: DataSource;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  const create = (body: unknown, key = org.key) =>
    t
      .http()
      .post(BASE)
      .set(bearer(key))
      .send(body as object);
  const list = (query: Record<string, string> = {}, key = org.key) =>
    t.http().get(BASE).query(query).set(bearer(key));
  const get = (id: string, key = org.key) => t.http().get(`${BASE}/${id}`).set(bearer(key));
  /** Paid through the API (seed 004's charges), never by SQL. */
  const payInFull = async (id: string) => {
    const { body } = await get(id).expect(200);
    await t
      .http()
      .post(`/api/v1/invoices/${id}/charges`)
      .set(bearer(org.key))
      .send({ amount: body.amount, chargeType: 'transfer' })
      .expect(201);
  };
  const patch = (id: string, body: unknown, key = org.key) =>
    t
      .http()
      .patch(`${BASE}/${id}`)
      .set(bearer(key))
      .send(body as object);
  const cancel = (id: string, key = org.key) => t.http().post(`${BASE}/${id}/cancel`).set(bearer(key));

  async function createOk(body: Record<string, unknown> = {}, key = org.key): Promise<PaymentRequestDto> {
    const res = await create({ amount: '10.00', currency: 'EUR', ...body }, key);
    expect(res.status).toBe(201);
    return res.body as PaymentRequestDto;
  }

  function createKey(scopes: string[]) {
    return t
      .http()
      .post('/api/v1/api-keys')
      .set(bearer(org.key))
      .send({ name: `key ${scopes.join(' ')}`, scopes })
      .expect(201)
      .then((res) => res.body.key as string);
  }

  describe('POST (create)', () => {
    it('creates an unpaid request and answers exactly its public shape', async () => {
      const res = await create(FULL_BODY).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        amount: '1200.50',
        currency: 'EUR',
        description: 'Facture F-2021-042',
        customerEmail: 'client@example.fr',
        dueDate: '2021-07-31',
        status: 'unpaid',
        origin: null,
        amountPaid: '0.00',
        amountDue: '1200.50',
        amountPending: '0.00',
        charges: [],
        invoice: null,
        createdAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
        paidAt: null,
        cancelledAt: null,
      });
      expect(Math.abs(Date.parse(res.body.createdAt) - Date.now())).toBeLessThan(60_000);
      const fetched = await get(res.body.id).expect(200);
      expect(fetched.body).toEqual(res.body);
    });

    it('needs only amount and currency; the optional fields default to null', async () => {
      const res = await create({ amount: '5', currency: 'USD' }).expect(201);
      expect(res.body).toMatchObject({
        amount: '5.00',
        currency: 'USD',
        description: null,
        customerEmail: null,
        dueDate: null,
        status: 'unpaid',
      });
    });

    it("keeps a decimal string exactly, up to 12 integer digits, shown at the currency's scale", async () => {
      for (const [amount, shown] of [
        ['1200.50', '1200.50'],
        ['999999999999.99', '999999999999.99'],
        ['0.01', '0.01'],
        ['12.5', '12.50'],
        ['7', '7.00'],
      ]) {
        const res = await create({ amount, currency: 'EUR' }).expect(201);
        expect(res.body.amount).toBe(shown);
        expect((await get(res.body.id).expect(200)).body.amount).toBe(shown);
      }
    });

    it('refuses 0.1 + 0.2 sent as a JSON number rather than rounding it', async () => {
      const res = await t
        .http()
        .post(BASE)
        .set(bearer(org.key))
        .set('Content-Type', 'application/json')
        .send(`{"amount": ${0.1 + 0.2}, "currency": "EUR"}`);
      expect(failingFields(res)).toEqual(['amount']);
    });

    it('accepts a JSON number that has an exact short form', async () => {
      const res = await create({ amount: 42.5, currency: 'EUR' }).expect(201);
      expect(res.body.amount).toBe('42.50');
    });

    it('upper-cases the currency', async () => {
      const res = await create({ amount: '10', currency: 'eur' }).expect(201);
      expect(res.body.currency).toBe('EUR');
    });

    it('refuses an unknown currency code with 422 naming currency', async () => {
      for (const currency of ['XYZ', 'EU', 'EURO', '', '123']) {
        const res = await create({ amount: '10', currency });
        expect(failingFields(res)).toEqual(['currency']);
      }
    });

    it("refuses more decimals than the currency's minor units (JPY has none)", async () => {
      const res = await create({ amount: '100.5', currency: 'JPY' });
      expect(failingFields(res)).toEqual(['amount']);
      const whole = await create({ amount: '100', currency: 'JPY' }).expect(201);
      expect(whole.body).toMatchObject({ amount: '100', currency: 'JPY' });
    });

    it('accepts three decimals for a currency that has three minor units (KWD)', async () => {
      const res = await create({ amount: '1.125', currency: 'KWD' }).expect(201);
      expect(res.body).toMatchObject({ amount: '1.125', currency: 'KWD' });
    });

    describe("amounts at their currency's scale (ISO 4217 minor units, BTC 8)", () => {
      const stored = async (id: string): Promise<string> => {
        const rows: { amount: string }[] = await db.query(
          `SELECT amount::text AS amount FROM payment_requests WHERE id = $1`,
          [id],
        );
        return rows[0].amount;
      };
      const detailMessages = (res: Response) =>
        (res.body.details as { field: string; messages: string[] }[]).flatMap((d) => d.messages);

      it.each([
        ['1000', 'JPY', '1000'],
        [1000, 'JPY', '1000'],
        ['1000.00', 'JPY', '1000'],
        ['1.234', 'KWD', '1.234'],
        [1.234, 'KWD', '1.234'],
        ['1.2', 'BHD', '1.200'],
        ['1.250', 'IQD', '1.250'],
        ['0.0001', 'CLF', '0.0001'],
        ['150', 'ISK', '150'],
        ['0.00000001', 'BTC', '0.00000001'],
        ['0.5', 'BTC', '0.50000000'],
        ['12.5', 'EUR', '12.50'],
      ])('takes %j %s, stores exactly %s and shows it so', async (amount, currency, shown) => {
        const res = await create({ amount, currency }).expect(201);
        expect(res.body).toMatchObject({ amount: shown, currency });
        expect((await get(res.body.id).expect(200)).body.amount).toBe(shown);
        expect(await stored(res.body.id)).toBe(shown);
      });

      it.each([
        ['1000.5', 'JPY'],
        [1000.5, 'JPY'],
        ['1.5', 'ISK'],
        ['1.2345', 'KWD'],
        ['0.00001', 'CLF'],
        ['0.000000001', 'BTC'],
      ])('refuses %j %s with 422 naming amount', async (amount, currency) => {
        const res = await create({ amount, currency });
        expect(failingFields(res)).toEqual(['amount']);
        expect(detailMessages(res).join(' ')).toContain(currency);
      });

      it('says that JPY takes a whole number', async () => {
        const res = await create({ amount: '1000.5', currency: 'JPY' });
        expect(failingFields(res)).toEqual(['amount']);
        expect(detailMessages(res)).toEqual([expect.stringContaining('whole number of JPY')]);
      });

      it('refuses 0.1 + 0.2 as a JSON number even where the scale is wider than its digits could hide', async () => {
        for (const currency of ['KWD', 'CLF', 'BTC']) {
          const res = await t
            .http()
            .post(BASE)
            .set(bearer(org.key))
            .set('Content-Type', 'application/json')
            .send(`{"amount": ${0.1 + 0.2}, "currency": "${currency}"}`);
          expect(failingFields(res)).toEqual(['amount']);
        }
      });

      it('refuses withdrawn codes and ISO entries without a minor unit, naming currency', async () => {
        for (const currency of ['HRK', 'BGN', 'ANG', 'XAU', 'XXX', 'XTS']) {
          expect(failingFields(await create({ amount: '10', currency }))).toEqual(['currency']);
        }
      });

      it('moves an amount to a new currency only when it fits its scale', async () => {
        const created = await createOk({ amount: '1.234', currency: 'KWD' });
        expect(failingFields(await patch(created.id, { currency: 'EUR' }))).toEqual(['amount']);
        const btc = await patch(created.id, { currency: 'BTC' }).expect(200);
        expect(btc.body).toMatchObject({ amount: '1.23400000', currency: 'BTC' });
        expect(await stored(created.id)).toBe('1.23400000');
      });
    });

    it.each([
      ['zero', '0'],
      ['zero with decimals', '0.00'],
      ['a negative amount', '-5'],
      ['a negative number', -12.5],
      ['a word', 'abc'],
      ['an empty string', ''],
      ['three decimals in EUR', '12.345'],
      ['13 integer digits', '1000000000000'],
      ['an exponent', '1e3'],
      ['a missing amount', undefined],
    ])('refuses %s as amount (422 on amount)', async (_what, amount) => {
      const res = await create({ amount, currency: 'EUR' });
      expect(failingFields(res)).toEqual(['amount']);
    });

    it('refuses an invalid customerEmail', async () => {
      for (const customerEmail of ['not-an-email', 'a@', '@example.fr', 'client@example.fr '.repeat(3)]) {
        const res = await create({ amount: '10', currency: 'EUR', customerEmail });
        expect(failingFields(res)).toEqual(['customerEmail']);
      }
    });

    it.each([
      ['a day that does not exist', '2021-02-30'],
      ['a date-time', '2021-06-18T00:00:00Z'],
      ['a French date', '18/06/2021'],
      ['month 13', '2021-13-01'],
      ['a word', 'demain'],
    ])('refuses %s as dueDate', async (_what, dueDate) => {
      const res = await create({ amount: '10', currency: 'EUR', dueDate });
      expect(failingFields(res)).toEqual(['dueDate']);
    });

    it('accepts a description of 500 characters and refuses 501', async () => {
      const ok = await create({ amount: '10', currency: 'EUR', description: 'd'.repeat(500) }).expect(201);
      expect(ok.body.description).toBe('d'.repeat(500));
      const res = await create({ amount: '10', currency: 'EUR', description: 'd'.repeat(501) });
      expect(failingFields(res)).toEqual(['description']);
    });

    it('ignores unknown and read-only fields', async () => {
      const res = await create({
        amount: '10',
        currency: 'EUR',
        status: 'paid',
        id: randomUUID(),
        organizationId: randomUUID(),
        paidAt: '2021-01-01T00:00:00.000Z',
        invoice: { uploadId: randomUUID() },
        whatever: 1,
      }).expect(201);
      expect(res.body).toMatchObject({ status: 'unpaid', paidAt: null, invoice: null });
      expect(res.body).not.toHaveProperty('whatever');
      expect(res.body).not.toHaveProperty('organizationId');
      const [row] = await db.query(`SELECT organization_id FROM payment_requests WHERE id = $1`, [
        res.body.id,
      ]);
      expect(row.organization_id).toBe(org.id);
    });

    it('reports every invalid field at once', async () => {
      const res = await create({
        amount: 'abc',
        currency: 'EURO',
        description: 'x'.repeat(501),
        customerEmail: 'nope',
        dueDate: '2021-02-30',
      });
      expect(failingFields(res)).toEqual(['amount', 'currency', 'customerEmail', 'description', 'dueDate']);
    });

    // BUG: the currency code and the currency's minor units are checked in PaymentRequestsService, only
    // after the DTO passed, so POST {"amount":"10","currency":"XYZ","customerEmail":"nope"} answers 422
    // with details naming only customerEmail; once that is fixed the client gets a second 422 for
    // currency. Expected: one 422 naming both currency and customerEmail.
    it('reports an unknown currency together with the other invalid fields', async () => {
      const res = await create({ amount: '10', currency: 'XYZ', customerEmail: 'nope' });
      expect(failingFields(res)).toEqual(['currency', 'customerEmail']);
    });

    it('creates nothing when it refuses', async () => {
      await create({ amount: '-1', currency: 'EUR' }).expect(422);
      await create({ amount: '1', currency: 'XYZ' }).expect(422);
      const res = await list().expect(200);
      expect(res.body.data).toEqual([]);
    });

    describe('Idempotency-Key', () => {
      it('replays the first response for the same key and body, creating one request', async () => {
        const key = `pr-${randomUUID()}`;
        const first = await create(FULL_BODY).set('Idempotency-Key', key).expect(201);
        const again = await create({ ...FULL_BODY })
          .set('Idempotency-Key', key)
          .expect(201);
        expect(again.body).toEqual(first.body);
        expect(again.headers['idempotent-replayed']).toBe('true');
        const all = await list().expect(200);
        expect(all.body.data.map((p: { id: string }) => p.id)).toEqual([first.body.id]);
      });

      it('refuses the same key with another body (422 IDEMPOTENCY_KEY_REUSED)', async () => {
        const key = `pr-${randomUUID()}`;
        await create(FULL_BODY).set('Idempotency-Key', key).expect(201);
        const res = await create({ ...FULL_BODY, amount: '1200.51' }).set('Idempotency-Key', key);
        expectError(res, 422, 'IDEMPOTENCY_KEY_REUSED');
        expect((await list().expect(200)).body.data).toHaveLength(1);
      });

      it('creates two requests for two different keys', async () => {
        const a = await create(FULL_BODY).set('Idempotency-Key', `a-${randomUUID()}`).expect(201);
        const b = await create(FULL_BODY).set('Idempotency-Key', `b-${randomUUID()}`).expect(201);
        expect(a.body.id).not.toBe(b.body.id);
      });
    });
  });

  describe('GET (list)', () => {
    it('answers an empty page for a new organization', async () => {
      const res = await list().expect(200);
      expect(res.body).toEqual({ data: [], has_more: false, next_cursor: null });
    });

    it('lists newest first', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 3; i++) ids.push((await createOk({ amount: `${i}`, currency: 'JPY' })).id);
      const res = await list().expect(200);
      expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([...ids].reverse());
      expect(res.body.has_more).toBe(false);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.data[0]).toMatchObject({ amount: '3', currency: 'JPY', status: 'unpaid' });
    });

    async function walk(query: Record<string, string>): Promise<string[][]> {
      const pages: string[][] = [];
      let cursor: string | undefined;
      for (let guard = 0; guard < 20; guard++) {
        const res = await list({ ...query, ...(cursor ? { cursor } : {}) }).expect(200);
        pages.push(res.body.data.map((p: { id: string }) => p.id));
        if (!res.body.has_more) {
          expect(res.body.next_cursor).toBeNull();
          return pages;
        }
        expect(res.body.next_cursor).toEqual(expect.any(String));
        cursor = res.body.next_cursor;
      }
      throw new Error('pagination did not end');
    }

    it('walks every row exactly once with limit 2 over 5 rows', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push((await createOk({ amount: `${i}` })).id);
      const pages = await walk({ limit: '2' });
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual([...ids].reverse());
    });

    it('walks rows that share one created_at in id order', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) ids.push((await createOk({ amount: `${i}` })).id);
      await db.query(
        `UPDATE payment_requests SET created_at = '2021-06-01T10:00:00.123Z' WHERE organization_id = $1`,
        [org.id],
      );
      const pages = await walk({ limit: '2' });
      expect(pages.flat()).toEqual([...ids].sort().reverse());
    });

    // created_at is stored to the millisecond (like the cursor that carries it): timestamps written with
    // microseconds fall on the same millisecond, and the id then orders them; none is skipped.
    it('walks rows made within the same millisecond (microsecond timestamps)', async () => {
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const { id } = await createOk({ amount: `${i}` });
        ids.push(id);
        await db.query(`UPDATE payment_requests SET created_at = $2 WHERE id = $1`, [
          id,
          `2021-06-01T10:00:00.12300${i}Z`,
        ]);
      }
      const pages = await walk({ limit: '2' });
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual([...ids].sort().reverse());
    });

    it('uses a default page of 50 and a maximum of 100', async () => {
      await db.query(
        `INSERT INTO payment_requests (organization_id, amount, currency, created_at)
         SELECT $1, g, 'EUR', now() - g * interval '1 second' FROM generate_series(1, 101) g`,
        [org.id],
      );
      const page = await list().expect(200);
      expect(page.body.data).toHaveLength(50);
      expect(page.body.has_more).toBe(true);
      const max = await list({ limit: '100' }).expect(200);
      expect(max.body.data).toHaveLength(100);
      expect(max.body.has_more).toBe(true);
      const rest = await list({ limit: '100', cursor: max.body.next_cursor }).expect(200);
      expect(rest.body.data).toHaveLength(1);
      expect(rest.body.has_more).toBe(false);
    });

    it.each(['0', '101', 'abc', '-1', '1.5', '99999999999999999999'])(
      'refuses limit=%j with 422 naming limit',
      async (limit) => {
        expect(failingFields(await list({ limit }))).toEqual(['limit']);
      },
    );

    it.each([
      ['characters outside base64url', 'not a cursor!'],
      ['base64url of nothing useful', 'abc'],
      ['an object instead of an array', forgeCursor({ sort: '-created_at' })],
      ['an array of the wrong length', forgeCursor(['-created_at', '2021-06-01T00:00:00.000Z'])],
      ['another sort', forgeCursor(['-operation_date', '2021-06-01T00:00:00.000Z', randomUUID()])],
      ['a value that is not a date', forgeCursor(['-created_at', 'yesterday', randomUUID()])],
      ['a numeric value', forgeCursor(['-created_at', 1622505600000, randomUUID()])],
      ['a null value', forgeCursor(['-created_at', null, randomUUID()])],
      ['an id that is not a uuid', forgeCursor(['-created_at', '2021-06-01T00:00:00.000Z', 'x'])],
      ['a numeric id', forgeCursor(['-created_at', '2021-06-01T00:00:00.000Z', 12])],
      ['an SQL injection', forgeCursor(['-created_at', "2021-06-01' OR '1'='1", randomUUID()])],
      ['a cursor of 600 characters', 'A'.repeat(600)],
    ])('refuses a cursor with %s (422 naming cursor)', async (_what, cursor) => {
      const res = await list({ cursor });
      expect(failingFields(res)).toEqual(['cursor']);
    });

    // BUG: the controller accepts a cursor value when Date.parse() does, but V8's Date.parse is far more
    // lenient than PostgreSQL's timestamptz input, so GET ?cursor=<base64url of
    // ["-created_at","1","<uuid>"]> (and "2021", "+275760-09-13T00:00:00.000Z") reaches the query and
    // answers 500 INTERNAL_ERROR (PostgreSQL: invalid input syntax for type timestamp with time zone).
    // Expected: 422 VALIDATION_FAILED naming cursor, never 500.
    it.each(['1', '2021', '+275760-09-13T00:00:00.000Z'])(
      'refuses a forged cursor whose value Date.parse accepts but PostgreSQL does not (%j)',
      async (value) => {
        const res = await list({ cursor: forgeCursor(['-created_at', value, randomUUID()]) });
        expect(failingFields(res)).toEqual(['cursor']);
      },
    );

    it('accepts a well-formed cursor it did not give (keyset position)', async () => {
      const old = await createOk();
      await db.query(`UPDATE payment_requests SET created_at = '2021-01-01T00:00:00Z' WHERE id = $1`, [
        old.id,
      ]);
      await createOk();
      const cursor = forgeCursor(['-created_at', '2022-01-01T00:00:00.000Z', randomUUID()]);
      const res = await list({ cursor }).expect(200);
      expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([old.id]);
    });

    describe('filters', () => {
      async function seed() {
        const a = await createOk({
          amount: '10',
          currency: 'EUR',
          customerEmail: 'alice@example.fr',
          dueDate: '2021-06-01',
        });
        const b = await createOk({
          amount: '20',
          currency: 'USD',
          customerEmail: 'bob@example.fr',
          dueDate: '2021-06-15',
        });
        const c = await createOk({
          amount: '30',
          currency: 'EUR',
          customerEmail: 'alice@example.fr',
          dueDate: '2021-06-30',
        });
        const d = await createOk({ amount: '40', currency: 'JPY' });
        await cancel(b.id).expect(200);
        return { a, b, c, d };
      }
      const idsOf = (res: Response) => res.body.data.map((p: { id: string }) => p.id);

      // Paid and partly paid requests come with charges (seed 004): tests reach a status through the API only.
      it('filters by status', async () => {
        const { a, b, c, d } = await seed();
        expect(idsOf(await list({ status: 'unpaid' }).expect(200))).toEqual([d.id, c.id, a.id]);
        expect(idsOf(await list({ status: 'cancelled' }).expect(200))).toEqual([b.id]);
        for (const status of ['paid', 'partially_paid', 'overpaid']) {
          expect(idsOf(await list({ status }).expect(200))).toEqual([]);
        }
        expect(failingFields(await list({ status: 'open' }))).toEqual(['status']);
      });

      it('filters by currency, in any case', async () => {
        const { a, b, c } = await seed();
        expect(idsOf(await list({ currency: 'EUR' }).expect(200))).toEqual([c.id, a.id]);
        expect(idsOf(await list({ currency: 'usd' }).expect(200))).toEqual([b.id]);
        expect(idsOf(await list({ currency: 'GBP' }).expect(200))).toEqual([]);
        expect(failingFields(await list({ currency: 'EURO' }))).toEqual(['currency']);
      });

      it('filters by customerEmail', async () => {
        const { a, b, c } = await seed();
        expect(idsOf(await list({ customerEmail: 'alice@example.fr' }).expect(200))).toEqual([c.id, a.id]);
        expect(idsOf(await list({ customerEmail: 'bob@example.fr' }).expect(200))).toEqual([b.id]);
        expect(idsOf(await list({ customerEmail: 'carol@example.fr' }).expect(200))).toEqual([]);
        expect(failingFields(await list({ customerEmail: 'alice' }))).toEqual(['customerEmail']);
      });

      it('filters by due date range, bounds included', async () => {
        const { a, b, c } = await seed();
        expect(idsOf(await list({ dueDateFrom: '2021-06-15' }).expect(200))).toEqual([c.id, b.id]);
        expect(idsOf(await list({ dueDateTo: '2021-06-15' }).expect(200))).toEqual([b.id, a.id]);
        expect(idsOf(await list({ dueDateFrom: '2021-06-02', dueDateTo: '2021-06-29' }).expect(200))).toEqual(
          [b.id],
        );
        expect(idsOf(await list({ dueDateFrom: '2021-07-01' }).expect(200))).toEqual([]);
        expect(failingFields(await list({ dueDateFrom: '2021-02-30' }))).toEqual(['dueDateFrom']);
        expect(failingFields(await list({ dueDateTo: '2021-06-18T00:00:00Z' }))).toEqual(['dueDateTo']);
      });

      it('combines filters and paginates within them', async () => {
        const { a, c } = await seed();
        await cancel(c.id).expect(200);
        const e = await createOk({ currency: 'EUR', customerEmail: 'alice@example.fr' });
        expect(
          idsOf(
            await list({ currency: 'EUR', customerEmail: 'alice@example.fr', status: 'unpaid' }).expect(200),
          ),
        ).toEqual([e.id, a.id]);
        const first = await list({ currency: 'EUR', limit: '2' }).expect(200);
        expect(idsOf(first)).toEqual([e.id, c.id]);
        expect(first.body.has_more).toBe(true);
        const second = await list({ currency: 'EUR', limit: '2', cursor: first.body.next_cursor }).expect(
          200,
        );
        expect(idsOf(second)).toEqual([a.id]);
        expect(second.body.has_more).toBe(false);
      });
    });

    it("never lists another organization's requests", async () => {
      const other = await createOrganization(t, 'Other SAS');
      const theirs = await createOk({ customerEmail: 'alice@example.fr' }, other.key);
      const mine = await createOk({ customerEmail: 'alice@example.fr' });
      const res = await list().expect(200);
      expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
      const filtered = await list({ customerEmail: 'alice@example.fr' }).expect(200);
      expect(filtered.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
      // Their cursor positions do not open their rows either.
      const cursor = forgeCursor(['-created_at', '2999-01-01T00:00:00.000Z', theirs.id]);
      const viaCursor = await list({ cursor }).expect(200);
      expect(viaCursor.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
    });
  });

  describe('GET /:id', () => {
    it('answers the request', async () => {
      const created = await createOk(FULL_BODY);
      const res = await get(created.id).expect(200);
      expect(res.body).toEqual(created);
    });

    it("answers 404 PAYMENT_REQUEST_NOT_FOUND for another organization's request or an unknown id", async () => {
      const other = await createOrganization(t, 'Other SAS');
      const theirs = await createOk(FULL_BODY, other.key);
      const res = await get(theirs.id);
      expectError(res, 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toContain('client@example.fr');
      expectError(await get(randomUUID()), 404, 'PAYMENT_REQUEST_NOT_FOUND');
    });

    it.each(['abc', '1', '00000000-0000-0000-0000-00000000000g', `${'a'.repeat(36)}`, "1' OR '1'='1"])(
      'answers 404 for a malformed id %j',
      async (id) => {
        expectError(await get(encodeURIComponent(id)), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      },
    );
  });

  describe('PATCH /:id', () => {
    it('changes only the given fields', async () => {
      const created = await createOk(FULL_BODY);
      const res = await patch(created.id, { description: 'Acompte' }).expect(200);
      expect(res.body).toEqual({
        ...created,
        description: 'Acompte',
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
      expect((await get(created.id).expect(200)).body).toEqual(res.body);

      const all = await patch(created.id, {
        amount: '99.90',
        currency: 'usd',
        customerEmail: 'autre@example.fr',
        dueDate: '2021-12-31',
      }).expect(200);
      expect(all.body).toMatchObject({
        amount: '99.90',
        currency: 'USD',
        description: 'Acompte',
        customerEmail: 'autre@example.fr',
        dueDate: '2021-12-31',
        status: 'unpaid',
      });
    });

    it('changes nothing for an empty body', async () => {
      const created = await createOk(FULL_BODY);
      const res = await patch(created.id, {}).expect(200);
      expect({ ...res.body, updatedAt: null }).toEqual({ ...created, updatedAt: null });
    });

    it('clears description, customerEmail and dueDate with null', async () => {
      const created = await createOk(FULL_BODY);
      const res = await patch(created.id, { description: null, customerEmail: null, dueDate: null }).expect(
        200,
      );
      expect(res.body).toMatchObject({
        amount: '1200.50',
        currency: 'EUR',
        description: null,
        customerEmail: null,
        dueDate: null,
      });
      expect((await get(created.id).expect(200)).body).toMatchObject({
        description: null,
        customerEmail: null,
        dueDate: null,
      });
    });

    it.each([
      ['amount 0', { amount: '0' }, 'amount'],
      ['a negative amount', { amount: '-1' }, 'amount'],
      ['amount "abc"', { amount: 'abc' }, 'amount'],
      ['three decimals in EUR', { amount: '1.234' }, 'amount'],
      ['0.1 + 0.2 as a number', { amount: 0.1 + 0.2 }, 'amount'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
      ['a currency of 4 letters', { currency: 'EURO' }, 'currency'],
      ['an invalid customerEmail', { customerEmail: 'nope' }, 'customerEmail'],
      ['a dueDate that does not exist', { dueDate: '2021-02-30' }, 'dueDate'],
      ['a date-time dueDate', { dueDate: '2021-06-18T00:00:00Z' }, 'dueDate'],
      ['a description of 501 characters', { description: 'x'.repeat(501) }, 'description'],
    ])('refuses %s with 422 and changes nothing', async (_what, body, field) => {
      const created = await createOk(FULL_BODY);
      const res = await patch(created.id, body);
      expect(failingFields(res)).toEqual([field]);
      expect((await get(created.id).expect(200)).body).toEqual(created);
    });

    it('applies the currency rules to the new combination of amount and currency', async () => {
      const created = await createOk({ amount: '1200.50', currency: 'EUR' });
      expect(failingFields(await patch(created.id, { currency: 'JPY' }))).toEqual(['amount']);
      expect(failingFields(await patch(created.id, { currency: 'jpy', amount: '1200.5' }))).toEqual([
        'amount',
      ]);
      const yen = await patch(created.id, { currency: 'jpy', amount: '1200' }).expect(200);
      expect(yen.body).toMatchObject({ amount: '1200', currency: 'JPY' });
      expect(failingFields(await patch(created.id, { amount: '100.5' }))).toEqual(['amount']);
      expect((await get(created.id).expect(200)).body).toMatchObject({ amount: '1200', currency: 'JPY' });
    });

    it('refuses a cancelled request with 409 PAYMENT_REQUEST_NOT_EDITABLE', async () => {
      const created = await createOk(FULL_BODY);
      await cancel(created.id).expect(200);
      const res = await patch(created.id, { description: 'trop tard' });
      expectError(res, 409, 'PAYMENT_REQUEST_NOT_EDITABLE');
      expect(res.body.details).toEqual({ status: 'cancelled' });
      expect((await get(created.id).expect(200)).body.description).toBe(FULL_BODY.description);
    });

    it('refuses a paid request with 409 PAYMENT_REQUEST_NOT_EDITABLE', async () => {
      const created = await createOk(FULL_BODY);
      await payInFull(created.id);
      const res = await patch(created.id, { amount: '1' });
      expectError(res, 409, 'PAYMENT_REQUEST_NOT_EDITABLE');
      expect(res.body.details).toEqual({ status: 'paid' });
      expect((await get(created.id).expect(200)).body).toMatchObject({ amount: '1200.50', status: 'paid' });
    });

    it('refuses a partially paid request: the customer paid against these terms', async () => {
      const created = await createOk(FULL_BODY);
      await t
        .http()
        .post(`/api/v1/invoices/${created.id}/charges`)
        .set(bearer(org.key))
        .send({ amount: '1', chargeType: 'cash' })
        .expect(201);
      const res = await patch(created.id, { description: 'x' });
      expectError(res, 409, 'PAYMENT_REQUEST_NOT_EDITABLE');
      expect(res.body.details).toEqual({ status: 'partially_paid' });
    });

    it("answers 404 for another organization's request and leaves it unchanged", async () => {
      const other = await createOrganization(t, 'Other SAS');
      const theirs = await createOk(FULL_BODY, other.key);
      expectError(await patch(theirs.id, { amount: '1' }), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expect((await get(theirs.id, other.key).expect(200)).body).toEqual(theirs);
      expectError(await patch('abc', { amount: '1' }), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(await patch(randomUUID(), { amount: '1' }), 404, 'PAYMENT_REQUEST_NOT_FOUND');
    });
  });

  describe('POST /:id/cancel', () => {
    it('cancels an unpaid request, and cancelling again changes nothing', async () => {
      const created = await createOk(FULL_BODY);
      const res = await cancel(created.id).expect(200);
      expect(res.body).toEqual({
        ...created,
        status: 'cancelled',
        // Nothing is owed once cancelled; nothing was received to give back.
        amountDue: '0.00',
        cancelledAt: expect.stringMatching(ISO_UTC),
        updatedAt: expect.stringMatching(ISO_UTC),
      });
      expect(Math.abs(Date.parse(res.body.cancelledAt) - Date.now())).toBeLessThan(60_000);
      const again = await cancel(created.id).expect(200);
      expect(again.body).toEqual(res.body);
      expect((await get(created.id).expect(200)).body).toEqual(res.body);
    });

    it('refuses a paid request with 409 and leaves it paid', async () => {
      const created = await createOk(FULL_BODY);
      await payInFull(created.id);
      const res = await cancel(created.id);
      expectError(res, 409, 'PAYMENT_REQUEST_NOT_EDITABLE');
      const after = await get(created.id).expect(200);
      expect(after.body).toMatchObject({
        status: 'paid',
        cancelledAt: null,
        paidAt: expect.stringMatching(ISO_UTC),
      });
    });

    it("answers 404 for another organization's request and leaves it unpaid", async () => {
      const other = await createOrganization(t, 'Other SAS');
      const theirs = await createOk(FULL_BODY, other.key);
      expectError(await cancel(theirs.id), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expect((await get(theirs.id, other.key).expect(200)).body.status).toBe('unpaid');
      expectError(await cancel('1'), 404, 'PAYMENT_REQUEST_NOT_FOUND');
      expectError(await cancel(randomUUID()), 404, 'PAYMENT_REQUEST_NOT_FOUND');
    });
  });

  describe('scopes', () => {
    it('lets a payment-requests:read key list and get, and nothing more (403 INSUFFICIENT_SCOPE)', async () => {
      const created = await createOk(FULL_BODY);
      const reader = await createKey(['payment-requests:read']);
      expect((await list({}, reader).expect(200)).body.data.map((p: { id: string }) => p.id)).toEqual([
        created.id,
      ]);
      await get(created.id, reader).expect(200);

      const denied = [
        await create(FULL_BODY, reader),
        await patch(created.id, { description: 'x' }, reader),
        await cancel(created.id, reader),
      ];
      for (const res of denied) {
        expectError(res, 403, 'INSUFFICIENT_SCOPE');
        expect(res.body.details).toMatchObject({ missing: ['payment-requests:write'] });
      }
      expect((await get(created.id).expect(200)).body).toEqual(created);
      expect((await list().expect(200)).body.data).toHaveLength(1);
    });

    it('refuses a key with only receipts scopes, even to read (403)', async () => {
      const created = await createOk(FULL_BODY);
      const receipts = await createKey(['receipts:read', 'receipts:write']);
      for (const res of [
        await list({}, receipts),
        await get(created.id, receipts),
        await create(FULL_BODY, receipts),
        await patch(created.id, { description: 'x' }, receipts),
        await cancel(created.id, receipts),
      ]) {
        expectError(res, 403, 'INSUFFICIENT_SCOPE');
      }
    });

    it('lets a payment-requests:write key create, change and cancel', async () => {
      const writer = await createKey(['payment-requests:read', 'payment-requests:write']);
      const created = await createOk(FULL_BODY, writer);
      await patch(created.id, { amount: '1' }, writer).expect(200);
      await cancel(created.id, writer).expect(200);
    });

    it('answers 401 without credentials', async () => {
      expectError(await t.http().get(BASE), 401, 'AUTH_REQUIRED');
      expectError(await t.http().post(BASE).send(FULL_BODY), 401, 'AUTH_REQUIRED');
    });
  });

  describe('odd input never answers 5xx', () => {
    const NUL = String.fromCharCode(0);
    /** Bodies as raw JSON text, so that arrays, scalars and numbers JSON.stringify would change get through. */
    const ODD_BODIES: [string, string][] = [
      ['an empty object', '{}'],
      ['an array', '[]'],
      ['an array of a valid body', JSON.stringify([{ amount: '10', currency: 'EUR' }])],
      ['a JSON string', '"10 EUR"'],
      ['a JSON number', '42'],
      ['JSON true', 'true'],
      ['JSON null', 'null'],
      ['malformed JSON', '{"amount": "10", '],
      ['null amount', '{"amount": null, "currency": "EUR"}'],
      ['null currency', '{"amount": "10", "currency": null}'],
      ['an object amount', '{"amount": {"value": "10"}, "currency": "EUR"}'],
      ['an array amount', '{"amount": ["10"], "currency": "EUR"}'],
      ['a boolean amount', '{"amount": true, "currency": "EUR"}'],
      ['an amount of 1e400 (Infinity)', '{"amount": 1e400, "currency": "EUR"}'],
      ['an amount of 1e308', '{"amount": 1e308, "currency": "EUR"}'],
      ['an amount of 30 digits', '{"amount": 123456789012345678901234567890, "currency": "EUR"}'],
      ['an amount of 1e-400', '{"amount": 1e-400, "currency": "EUR"}'],
      ['an amount string of 10,000 digits', JSON.stringify({ amount: '9'.repeat(10_000), currency: 'EUR' })],
      ['amount "NaN"', '{"amount": "NaN", "currency": "EUR"}'],
      ['amount "Infinity"', '{"amount": "Infinity", "currency": "EUR"}'],
      ['an object currency', '{"amount": "10", "currency": {"code": "EUR"}}'],
      ['an array currency', '{"amount": "10", "currency": ["EUR"]}'],
      ['a numeric currency', '{"amount": "10", "currency": 978}'],
      ['a currency with a NUL', JSON.stringify({ amount: '10', currency: `E${NUL}R` })],
      ['a currency of 3 non-ASCII letters', JSON.stringify({ amount: '10', currency: 'ÉÛR' })],
      ['a nested description', '{"amount": "10", "currency": "EUR", "description": {"a": {"b": [1, 2]}}}'],
      ['a numeric description', '{"amount": "10", "currency": "EUR", "description": 12}'],
      [
        'a huge description',
        JSON.stringify({ amount: '10', currency: 'EUR', description: 'x'.repeat(200_000) }),
      ],
      ['an array customerEmail', '{"amount": "10", "currency": "EUR", "customerEmail": ["a@b.fr"]}'],
      [
        'a customerEmail with a NUL',
        JSON.stringify({ amount: '10', currency: 'EUR', customerEmail: `a${NUL}@b.fr` }),
      ],
      ['a numeric dueDate', '{"amount": "10", "currency": "EUR", "dueDate": 20210731}'],
      ['an object dueDate', '{"amount": "10", "currency": "EUR", "dueDate": {"y": 2021}}'],
      ['year 0000 as dueDate', '{"amount": "10", "currency": "EUR", "dueDate": "0000-01-01"}'],
      [
        'an object nested 500 deep',
        `{"amount": ${'{"a":'.repeat(500)}1${'}'.repeat(500)}, "currency": "EUR"}`,
      ],
    ];

    const sendRaw = (req: Test, raw: string) => req.set('Content-Type', 'application/json').send(raw);

    it.each(ODD_BODIES)('POST with %s answers 4xx', async (_what, raw) => {
      const res = await sendRaw(t.http().post(BASE).set(bearer(org.key)), raw);
      expectClientError(res);
    });

    it('POST takes no field from __proto__ or constructor (422 for the missing amount)', async () => {
      const res = await sendRaw(
        t.http().post(BASE).set(bearer(org.key)),
        '{"__proto__": {"amount": "10"}, "constructor": {"prototype": {"amount": "10"}}, "currency": "EUR"}',
      );
      expect(failingFields(res)).toEqual(['amount']);
      expect(({} as Record<string, unknown>).amount).toBeUndefined();
    });

    it('PATCH takes no field from __proto__ or constructor', async () => {
      const created = await createOk(FULL_BODY);
      const res = await sendRaw(
        t.http().patch(`${BASE}/${created.id}`).set(bearer(org.key)),
        '{"__proto__": {"amount": "1"}, "constructor": {"prototype": {"status": "paid"}}, "description": "ok"}',
      ).expect(200);
      expect(res.body).toMatchObject({ amount: '1200.50', status: 'unpaid', description: 'ok' });
      expect(({} as Record<string, unknown>).amount).toBeUndefined();
    });

    // BUG: UpdatePaymentRequestDto marks amount and currency @IsOptional, which lets null through, and the
    // service then keeps the old value (`input.amount ?? request.amount`): PATCH {"amount": null} or
    // {"currency": null} answers 200 with nothing changed, silently. Expected: 422 VALIDATION_FAILED naming
    // the field, since neither can be cleared (only description, customerEmail and dueDate take null).
    it.each([
      ['amount', { amount: null }],
      ['currency', { currency: null }],
    ])('PATCH refuses null for the required field %s (422)', async (field, body) => {
      const created = await createOk(FULL_BODY);
      expect(failingFields(await patch(created.id, body))).toEqual([field]);
      expect((await get(created.id).expect(200)).body).toEqual(created);
    });

    const NOT_FOR_PATCH = ['an empty object', 'null amount', 'null currency'];
    it.each(ODD_BODIES.filter(([what]) => !NOT_FOR_PATCH.includes(what)))(
      'PATCH with %s answers 4xx and changes nothing',
      async (_what, raw) => {
        const created = await createOk(FULL_BODY);
        const res = await sendRaw(t.http().patch(`${BASE}/${created.id}`).set(bearer(org.key)), raw);
        expectClientError(res);
        expect((await get(created.id).expect(200)).body).toEqual(created);
      },
    );

    it('answers 4xx for a body over 1 MB and for a text/plain body', async () => {
      const big = await create({ amount: '10', currency: 'EUR', description: 'x'.repeat(1_100_000) });
      expectClientError(big);
      expect(big.status).toBe(413);
      const text = await t
        .http()
        .post(BASE)
        .set(bearer(org.key))
        .set('Content-Type', 'text/plain')
        .send('10 EUR');
      expectClientError(text);
    });

    it.each([
      'status=paid&status=unpaid',
      'currency=EUR&currency=USD',
      'limit=1&limit=2',
      'cursor=a&cursor=b',
      'customerEmail=a@b.fr&customerEmail=c@d.fr',
      'dueDateFrom=2021-01-01&dueDateFrom=2021-02-01',
      'dueDateFrom=0000-01-01',
      'dueDateTo=9999-12-31',
      'customerEmail=a%00@b.fr',
      'status[]=paid',
      'currency[a]=EUR',
    ])('GET ?%s answers 4xx or 200', async (query) => {
      const res = await t.http().get(`${BASE}?${query}`).set(bearer(org.key));
      if (res.status !== 200) expectClientError(res);
    });

    // BUG: a NUL character (U+0000) in a string field passes the DTO (IsString, MaxLength) and reaches
    // PostgreSQL, which refuses it ("invalid byte sequence for encoding UTF8: 0x00"):
    // POST {"amount":"10","currency":"EUR","description":"a\u0000b"} and PATCH {"description":"a\u0000b"}
    // answer 500 INTERNAL_ERROR. Expected: 422 VALIDATION_FAILED naming description.
    it('refuses a description holding a NUL character (422, not 500)', async () => {
      const body = { amount: '10', currency: 'EUR', description: `a${NUL}b` };
      expect(failingFields(await create(body))).toEqual(['description']);
      const created = await createOk(FULL_BODY);
      expect(failingFields(await patch(created.id, { description: `a${NUL}b` }))).toEqual(['description']);
      expect((await get(created.id).expect(200)).body).toEqual(created);
    });

    // BUG: the list's currency filter is only checked to be a 3-character string, so a NUL character goes
    // to PostgreSQL: GET /api/v1/payment-requests?currency=E%00R answers 500 INTERNAL_ERROR. Expected:
    // 422 VALIDATION_FAILED naming currency (an ISO 4217 code, as on create).
    it('GET ?currency=E%00R answers 422', async () => {
      const res = await t.http().get(`${BASE}?currency=E%00R`).set(bearer(org.key));
      expect(failingFields(res)).toEqual(['currency']);
    });
  });
});
