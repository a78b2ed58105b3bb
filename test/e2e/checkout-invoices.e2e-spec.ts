import { DataSource } from 'typeorm';
import {
  bearer,
  createStore as createCheckoutStore,
  expectError,
  expectFieldRefused,
  ISO_MS,
  postInvoice,
  SEED_FIELDS,
  SEED_RATES,
  token,
  UPUB,
  UUID,
  VPUB,
  YPUB,
  ZPUB,
} from '../support/checkout.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/** Seed 003's invoices: the seed's object, addresses from the store's key, rates, races, tenancy. */
const EXTRA_FIELDS = ['expires_at', 'payment_url', 'checkout_url', 'key_path'];
const SEED_BODY = {
  amount: '1001.54',
  currency: 'EUR',
  customer_email: 'customer@example.com',
  success_redirect_url: 'https://example.com/process/success',
  error_redirect_url: 'https://example.com/process/error',
};

describe('seed 003 /api/v1/checkout/stores/{store_id}/invoices', () => {
  let t: TestApp;
  let replica: TestApp;
  let db: DataSource;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp(SEED_RATES);
    // A second instance on the same database, as a second replica behind a load balancer.
    replica = await createTestApp(SEED_RATES);
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await replica.close();
    await t.close();
  });
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  const createStore = async (fields: object = {}, key = org.key) =>
    (await createCheckoutStore(t, key, fields)).id;
  const invoice = (storeId: string, body: object = SEED_BODY, key = org.key, app = t) =>
    postInvoice(app, storeId, token(key), body);
  const getStore = async (storeId: string) =>
    (await t.http().get(`/api/v1/checkout/stores/${storeId}`).set(bearer(org.key)).expect(200)).body;

  it("answers the seed's object field for field, with its arithmetic, and shows it again on GET", async () => {
    const storeId = await createStore({ derivationScheme: UPUB });
    const res = await invoice(storeId).expect(201);
    expect(Object.keys(res.body).sort()).toEqual([...SEED_FIELDS, ...EXTRA_FIELDS].sort());
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      store_id: storeId,
      amount: '1001.54',
      currency: 'EUR',
      status: 'NEW',
      success_redirect_url: 'https://example.com/process/success',
      error_redirect_url: 'https://example.com/process/error',
      created_at: expect.stringMatching(ISO_MS),
      updated_at: expect.stringMatching(ISO_MS),
      customer_email: 'customer@example.com',
      // BIP49 testnet, m/49'/1'/0'/0/0: a 2… address like the seed's.
      btc_address: '2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2',
      // 1001.54 × 0.000045692133693556 = 0.04576249957944407624, rounded up to the satoshi.
      btc_amount: '0.04576250',
      btc_rate: '0.000045692133693556',
      usd_amount: '1181.8172',
      usd_rate: '1.18',
      expires_at: expect.stringMatching(ISO_MS),
      payment_url: 'bitcoin:2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2?amount=0.0457625',
      checkout_url: `${t.config.publicUrl}/checkout/${res.body.id}`,
      key_path: '0/0',
    });
    expect(res.body.updated_at).toBe(res.body.created_at);
    expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBeGreaterThanOrEqual(
      15 * 60_000 - 1000,
    );
    expect(Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)).toBeLessThanOrEqual(
      15 * 60_000 + 1000,
    );
    const got = await t
      .http()
      .get(`/api/v1/checkout/stores/${storeId}/invoices/${res.body.id}`)
      .set(token(org.key))
      .expect(200);
    expect(got.body).toEqual(res.body);
    const [row] = await db.query<{ btc_rate_source: string; usd_rate_source: string; network: string }[]>(
      `SELECT btc_rate_source, usd_rate_source, network FROM checkout_invoices WHERE id = $1`,
      [res.body.id],
    );
    expect(row).toEqual({ btc_rate_source: 'fixed', usd_rate_source: 'fixed', network: 'testnet' });
  });

  it('is a payment request with the same id, in the canonical resource, in seed 004, with its created event', async () => {
    const storeId = await createStore();
    const { body } = await invoice(storeId).expect(201);
    const canonical = await t
      .http()
      .get(`/api/v1/payment-requests/${body.id}`)
      .set(bearer(org.key))
      .expect(200);
    expect(canonical.body).toMatchObject({
      id: body.id,
      amount: '1001.54',
      currency: 'EUR',
      customerEmail: 'customer@example.com',
      status: 'unpaid',
      amountDue: '1001.54',
      description: 'Bitcoin checkout: Boutique',
    });
    const seed004 = await t.http().get(`/api/v1/invoices/${body.id}`).set(bearer(org.key)).expect(200);
    expect(seed004.body).toMatchObject({ id: body.id, status: 10, total: '1001.54', charges: [] });
    const events = await db.query<{ type: string }[]>(
      `SELECT type FROM events WHERE organization_id = $1 AND payload->>'id' = $2`,
      [org.id, body.id],
    );
    expect(events.map((e) => e.type)).toEqual(['payment_request.created']);
  });

  it("its payment request's terms are fixed by the quote: no PATCH, no seed 004 DELETE; cancelling is allowed", async () => {
    const storeId = await createStore();
    const { body } = await invoice(storeId).expect(201);
    expectError(
      await t
        .http()
        .patch(`/api/v1/payment-requests/${body.id}`)
        .set(bearer(org.key))
        .send({ amount: '5.00' }),
      409,
      'PAYMENT_REQUEST_TERMS_FIXED',
    );
    expectError(
      await t.http().delete(`/api/v1/invoices/${body.id}`).set(bearer(org.key)),
      409,
      'PAYMENT_REQUEST_TERMS_FIXED',
    );
    const shown = await t
      .http()
      .get(`/api/v1/checkout/stores/${storeId}/invoices/${body.id}`)
      .set(token(org.key))
      .expect(200);
    expect(shown.body).toMatchObject({ amount: '1001.54', btc_amount: '0.04576250' });
    const cancelled = await t
      .http()
      .post(`/api/v1/payment-requests/${body.id}/cancel`)
      .set(bearer(org.key))
      .expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', amount: '1001.54', origin: 'checkout' });
  });

  it("stores made from the BIP vectors' keys hand out the vectors' addresses, in order", async () => {
    const cases: [string, string[]][] = [
      [ZPUB, ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g']],
      [UPUB, ['2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2', '2N55m54k8vr95ggehfUcNkdbUuQvaqG2GxK']],
      [YPUB, ['37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf', '3LtMnn87fqUeHBUG414p9CWwnoV6E2pNKS']],
      [VPUB, ['tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl', 'tb1qd7spv5q28348xl4myc8zmh983w5jx32cjhkn97']],
    ];
    for (const [key, addresses] of cases) {
      const storeId = await createStore({ derivationScheme: key });
      const got: string[] = [];
      for (let i = 0; i < addresses.length; i += 1) {
        const res = await invoice(storeId).expect(201);
        expect(res.body.key_path).toBe(`0/${i}`);
        got.push(res.body.btc_address as string);
      }
      expect(got).toEqual(addresses);
      expect((await getStore(storeId)).addressesIssued).toBe(addresses.length);
    }
  });

  it('50 racing creations on one store, through two instances, get 50 distinct indexes 0..49', async () => {
    const storeId = await createStore();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        invoice(storeId, { ...SEED_BODY, amount: `${i + 1}.00` }, org.key, i % 2 === 0 ? t : replica),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const indexes = results.map((r) => Number(String(r.body.key_path).split('/')[1])).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(new Set(results.map((r) => r.body.btc_address)).size).toBe(50);
    const store = await getStore(storeId);
    expect(store).toMatchObject({ addressesIssued: 50, consecutiveUnpaid: 50 });
    expect(store.warnings).toEqual([{ code: 'GAP_LIMIT_EXCEEDED', message: expect.stringMatching(/^50 /) }]);

    // What the chain watcher will record: a payment seen at index 45 leaves 4 unpaid after it.
    await db.query(
      `UPDATE checkout_invoices SET payment_seen_at = now() WHERE store_id = $1 AND address_index = 45`,
      [storeId],
    );
    expect(await getStore(storeId)).toMatchObject({
      addressesIssued: 50,
      consecutiveUnpaid: 4,
      warnings: [],
    });
  });

  it('the key cannot change once an address was handed out; the terms can', async () => {
    const storeId = await createStore();
    await invoice(storeId).expect(201);
    const patch = (body: object) =>
      t.http().patch(`/api/v1/checkout/stores/${storeId}`).set(bearer(org.key)).send(body);
    expectError(await patch({ derivationScheme: UPUB }), 409, 'CHECKOUT_STORE_KEY_LOCKED');
    await patch({ derivationScheme: ZPUB, expirationMinutes: 60 }).expect(200);
    const next = await invoice(storeId).expect(201);
    expect(next.body.key_path).toBe('0/1');
    expect(Date.parse(next.body.expires_at) - Date.parse(next.body.created_at)).toBeGreaterThan(59 * 60_000);
  });

  it("takes the store's redirect URLs when the invoice gives none; null clears them", async () => {
    const storeId = await createStore({
      successRedirectUrl: 'https://shop.example/ok',
      errorRedirectUrl: 'https://shop.example/back',
    });
    const defaults = await invoice(storeId, { amount: 10 }).expect(201);
    expect(defaults.body).toMatchObject({
      currency: 'EUR',
      amount: '10.00',
      customer_email: null,
      success_redirect_url: 'https://shop.example/ok',
      error_redirect_url: 'https://shop.example/back',
    });
    const cleared = await invoice(storeId, { amount: '10', success_redirect_url: null }).expect(201);
    expect(cleared.body.success_redirect_url).toBeNull();
  });

  it('a USD store: usd_rate 1, usd_amount the amount', async () => {
    const storeId = await createStore({ currency: 'USD' });
    const res = await invoice(storeId, { amount: '100', currency: 'USD' }).expect(201);
    expect(res.body).toMatchObject({
      amount: '100.00',
      usd_rate: '1',
      usd_amount: '100.00',
      btc_rate: '0.00004',
      btc_amount: '0.00400000',
    });
  });

  it('bad input is a 4xx in the usual envelope, never a 5xx, and hands out no address', async () => {
    const storeId = await createStore();
    for (const amount of ['0', '-1', '1.234', 'abc', '', 0, -5, 1.001, null, '1e3', '9999999999999.00'])
      expectFieldRefused(await invoice(storeId, { ...SEED_BODY, amount }), 'amount');
    expectFieldRefused(await invoice(storeId, { ...SEED_BODY, currency: 'USD' }), 'currency');
    expectFieldRefused(await invoice(storeId, { ...SEED_BODY, currency: 'XYZ' }), 'currency');
    expectFieldRefused(await invoice(storeId, { ...SEED_BODY, customer_email: 'nope' }), 'customer_email');
    expectFieldRefused(
      await invoice(storeId, { ...SEED_BODY, success_redirect_url: 'ftp://example.com/x' }),
      'success_redirect_url',
    );
    expectFieldRefused(
      await invoice(storeId, { ...SEED_BODY, error_redirect_url: 'javascript:alert(1)' }),
      'error_redirect_url',
    );
    const badJson = await t
      .http()
      .post(`/api/v1/checkout/stores/${storeId}/invoices`)
      .set(token(org.key))
      .set('Content-Type', 'application/json')
      .send('{"amount": ');
    expect(badJson.status).toBe(400);
    expect((await getStore(storeId)).addressesIssued).toBe(0);
    // A number is read exactly.
    expect((await invoice(storeId, { ...SEED_BODY, amount: 1001.54 }).expect(201)).body.amount).toBe(
      '1001.54',
    );
  });

  it("another organization's store or invoice, a malformed id: 404", async () => {
    const storeId = await createStore();
    const { body } = await invoice(storeId).expect(201);
    const other = await createOrganization(t);
    expectError(await invoice(storeId, SEED_BODY, other.key), 404, 'CHECKOUT_STORE_NOT_FOUND');
    expectError(
      await t.http().get(`/api/v1/checkout/stores/${storeId}/invoices/${body.id}`).set(token(other.key)),
      404,
      'CHECKOUT_STORE_NOT_FOUND',
    );
    expectError(
      await t.http().get(`/api/v1/checkout/stores/${storeId}/invoices`).set(token(other.key)),
      404,
      'CHECKOUT_STORE_NOT_FOUND',
    );
    expectError(
      await t.http().get(`/api/v1/payment-requests/${body.id}`).set(bearer(other.key)),
      404,
      'PAYMENT_REQUEST_NOT_FOUND',
    );
    expectError(await invoice('not-a-uuid'), 404, 'CHECKOUT_STORE_NOT_FOUND');
    expectError(
      await t.http().get(`/api/v1/checkout/stores/${storeId}/invoices/not-a-uuid`).set(token(org.key)),
      404,
      'CHECKOUT_INVOICE_NOT_FOUND',
    );
    // Another store of the same organization does not show it.
    const otherStore = await createStore({ derivationScheme: UPUB });
    expectError(
      await t.http().get(`/api/v1/checkout/stores/${otherStore}/invoices/${body.id}`).set(token(org.key)),
      404,
      'CHECKOUT_INVOICE_NOT_FOUND',
    );
  });

  it('no rate: 503 RATE_UNAVAILABLE, nothing created, no address consumed', async () => {
    const storeId = await createStore({ currency: 'CHF' });
    expectError(await invoice(storeId, { amount: '10.00', currency: 'CHF' }), 503, 'RATE_UNAVAILABLE');
    expect((await getStore(storeId)).addressesIssued).toBe(0);
    const requests = await t.http().get('/api/v1/payment-requests').set(bearer(org.key)).expect(200);
    expect(requests.body.data).toEqual([]);
  });

  it('Idempotency-Key: a retry replays the first invoice and takes no second address', async () => {
    const storeId = await createStore();
    const first = await invoice(storeId).set('Idempotency-Key', 'order-42').expect(201);
    const again = await invoice(storeId).set('Idempotency-Key', 'order-42').expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await getStore(storeId)).addressesIssued).toBe(1);
    expectError(
      await invoice(storeId, { ...SEED_BODY, amount: '5.00' }).set('Idempotency-Key', 'order-42'),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );
  });

  it('scopes: checkout:read lists and shows, checkout:write creates', async () => {
    const storeId = await createStore();
    const { body } = await invoice(storeId).expect(201);
    const reader = await t
      .http()
      .post('/api/v1/api-keys')
      .set(bearer(org.key))
      .send({ name: 'reader', scopes: ['checkout:read'] })
      .expect(201);
    const readKey = reader.body.key as string;
    await t
      .http()
      .get(`/api/v1/checkout/stores/${storeId}/invoices/${body.id}`)
      .set(token(readKey))
      .expect(200);
    expectError(await invoice(storeId, SEED_BODY, readKey), 403, 'INSUFFICIENT_SCOPE');
    expectError(await t.http().get(`/api/v1/checkout/stores/${storeId}/invoices`), 401, 'AUTH_REQUIRED');
  });

  it('lists newest first, by pages', async () => {
    const storeId = await createStore();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await invoice(storeId).expect(201)).body.id as string);
    const first = await t
      .http()
      .get(`/api/v1/checkout/stores/${storeId}/invoices?limit=2`)
      .set(token(org.key))
      .expect(200);
    expect(first.body.data.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.has_more).toBe(true);
    const second = await t
      .http()
      .get(`/api/v1/checkout/stores/${storeId}/invoices?limit=2&cursor=${first.body.next_cursor}`)
      .set(token(org.key))
      .expect(200);
    expect(second.body).toEqual({
      data: [expect.objectContaining({ id: ids[0] })],
      has_more: false,
      next_cursor: null,
    });
  });
});
