import bolt11 from 'bolt11';
import { DataSource } from 'typeorm';
import type { DevLightningBackend } from '../../src/modules/lightning/dev/dev-lightning-backend.js';
import { LightningBackend } from '../../src/modules/lightning/lightning-backend.js';
import { startFakeLnd, type FakeLnd } from '../support/fake-lnd.js';
import { Receiver, until } from '../support/webhook-receiver.js';
import {
  createOrganization,
  createTestApp,
  TEST_ADMIN_KEY,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0] };
const RATE = '0.000045692133693556'; // seed 003's: BTC per EUR
const ENV = {
  RATE_SOURCES: 'fixed',
  FIXED_RATES: `EUR_BTC=${RATE}`,
  LIGHTNING_POLL_SECONDS: '1',
  WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
  WEBHOOK_RETRY_SCHEDULE: '0,1,1',
};
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
/** This run's mark, in descriptions the database (shared by the run's specs) sees once. */
const RUN = Math.random().toString(36).slice(2, 10);

interface LightningInvoiceBody {
  id: string;
  paymentRequestId: string;
  bolt11: string;
  paymentHash: string;
  amount: string;
  currency: string;
  amountMsat: string;
  btcAmount: string;
  rate: string;
  state: string;
  expiresAt: string;
  chargeId: string | null;
}

describe('Lightning for every payment request (dev backend, two replicas)', () => {
  let a: TestApp;
  let b: TestApp;
  let db: DataSource;
  let org: TestOrganization;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    a = await createTestApp(ENV);
    b = await createTestApp(ENV); // a second replica: it watches too
    db = a.app.get(DataSource);
    org = await createOrganization(a);
    const hook = await a
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(org.key))
      .send({ url: receiver.url, events: ['charge.created', 'payment_request.paid'] })
      .expect(201);
    receiver.reset(hook.body.secret);
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver.stop();
  });

  const newRequest = async (amount: string, currency = 'EUR', description = 'Facture F-2026-042') =>
    (
      await a
        .http()
        .post('/api/v1/payment-requests')
        .set(bearer(org.key))
        .send({ amount, currency, description })
        .expect(201)
    ).body as { id: string };
  const issue = (id: string, app = a) =>
    app.http().post(`/api/v1/payment-requests/${id}/lightning-invoice`).set(bearer(org.key));
  const request = async (id: string) =>
    (await a.http().get(`/api/v1/payment-requests/${id}`).set(bearer(org.key)).expect(200)).body;
  const settle = (hash: string) =>
    a.http().post(`/api/v1/lightning/dev/invoices/${hash}/settle`).set(bearer(TEST_ADMIN_KEY)).expect(200);

  it('issues a BOLT #11 for the amount due, at the rate held, that an independent decoder verifies', async () => {
    const pr = await newRequest('1001.54');
    const before = Math.floor(Date.now() / 1000);
    const res = await issue(pr.id).expect(201);
    const body = res.body as LightningInvoiceBody;
    expect(body).toMatchObject({
      paymentRequestId: pr.id,
      amount: '1001.54',
      currency: 'EUR',
      // 1001.54 × 0.000045692133693556 = 0.0457624995… BTC, rounded up to the satoshi.
      amountMsat: '4576250000',
      btcAmount: '0.04576250',
      rate: RATE,
      rateSource: 'fixed',
      state: 'open',
      settledAt: null,
      chargeId: null,
    });
    const decoded = bolt11.decode(body.bolt11, REGTEST);
    expect(decoded.millisatoshis).toBe('4576250000');
    expect(decoded.tagsObject.payment_hash).toBe(body.paymentHash);
    expect(decoded.tagsObject.description).toBe('Payment of 1001.54 EUR: Facture F-2026-042');
    expect(decoded.timeExpireDate! - decoded.timestamp!).toBe(900);
    expect(decoded.timestamp).toBeGreaterThanOrEqual(before);
    expect(new Date(body.expiresAt).getTime() / 1000).toBe(decoded.timeExpireDate);
    // Signed by the node: the key the signature recovers is the dev node's.
    expect(decoded.payeeNodeKey).toBe(
      a.app.get<LightningBackend, DevLightningBackend>(LightningBackend).nodeId,
    );
  });

  it('hands out the same open invoice again, also to two racing calls, rather than a second one to pay', async () => {
    const pr = await newRequest('25.00', 'EUR', `Race ${RUN}`);
    const [one, two] = await Promise.all([issue(pr.id, a), issue(pr.id, b)]);
    expect([one.status, two.status].sort()).toEqual([200, 201]);
    expect(one.body.paymentHash).toBe(two.body.paymentHash);
    // Had both made one at the node, the loser's (never shown) is cancelled: one payable invoice.
    const made = await db.query<{ payment_hash: string }[]>(
      `SELECT payment_hash FROM lightning_dev_invoices WHERE description LIKE $1 AND cancelled_at IS NULL`,
      [`%Race ${RUN}`],
    );
    expect(made.map((r) => r.payment_hash)).toEqual([one.body.paymentHash]);
    const again = await issue(pr.id).expect(200);
    expect(again.body.paymentHash).toBe(one.body.paymentHash);
    const list = await a
      .http()
      .get(`/api/v1/payment-requests/${pr.id}/lightning-invoices`)
      .set(bearer(org.key))
      .expect(200);
    expect(list.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(list.body.data).toHaveLength(1);
  });

  it('once paid, adds one settled lightning charge, marks the request paid, and tells the webhook', async () => {
    const pr = await newRequest('1001.54');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    expect((await request(pr.id)).status).toBe('unpaid');
    await settle(invoice.paymentHash);
    const paid = await until('the lightning charge', async () => {
      const view = await request(pr.id);
      return view.status === 'paid' ? view : undefined;
    });
    expect(paid).toMatchObject({ amountPaid: '1001.54', amountDue: '0.00', amountPending: '0.00' });
    expect(paid.charges).toEqual([
      expect.objectContaining({
        chargeType: 'lightning',
        reference: invoice.paymentHash,
        amount: '1001.54',
        state: 'settled',
        originalAmount: '0.04576250',
        originalCurrency: 'BTC',
      }),
    ]);
    // Seed 004's view of the same request.
    const seed004 = await a.http().get(`/api/v1/invoices/${pr.id}`).set(bearer(org.key)).expect(200);
    expect(seed004.body).toMatchObject({
      status: 20,
      charges: [expect.objectContaining({ chargeType: 'lightning' })],
    });
    const after = await a
      .http()
      .get(`/api/v1/payment-requests/${pr.id}/lightning-invoices`)
      .set(bearer(org.key))
      .expect(200);
    expect(after.body.data[0]).toMatchObject({
      state: 'settled',
      amountPaidMsat: '4576250000',
      chargeId: paid.charges[0].id,
      settledAt: expect.any(String),
    });
    // Signed webhooks: the charge, then the request paid.
    const events = await until('the two webhooks', () => {
      const mine = receiver.received
        .map((r) => ({
          verified: r.verified,
          body: JSON.parse(r.body) as { type: string; data: { id: string; paymentRequestId?: string } },
        }))
        .filter((r) => r.body.data.id === pr.id || r.body.data.paymentRequestId === pr.id);
      return Promise.resolve(mine.length >= 2 ? mine : undefined);
    });
    expect(events.map((e) => e.body.type).sort()).toEqual(['charge.created', 'payment_request.paid']);
    // The verifier hands back the payload it checked, or the reason it refused it.
    for (const e of events) expect(e.verified).toEqual(e.body);
    // Two replicas watched: one charge, one charge.created event.
    const [{ count }] = await db.query<{ count: string }[]>(
      `SELECT count(*) FROM events WHERE type = 'charge.created' AND payload->>'reference' = $1`,
      [invoice.paymentHash],
    );
    expect(count).toBe('1');
    // Nothing is due any more.
    const nothing = await issue(pr.id).expect(409);
    expect(nothing.body).toMatchObject({ code: 'PAYMENT_REQUEST_NOTHING_DUE' });
  });

  it('asks only for what is still due after a partial payment', async () => {
    const pr = await newRequest('100.00');
    await a
      .http()
      .post(`/api/v1/invoices/${pr.id}/charges`)
      .set(bearer(org.key))
      .send({ amount: '40.00', chargeType: 'transfer', reference: 'VIR-1' })
      .expect(201);
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    expect(invoice).toMatchObject({ amount: '60.00', amountMsat: String(274_153n * 1000n) });
    await settle(invoice.paymentHash);
    const paid = await until('paid', async () => {
      const view = await request(pr.id);
      return view.status === 'paid' ? view : undefined;
    });
    expect(paid.amountPaid).toBe('100.00');
  });

  it('issues a new invoice once the open one expired unpaid, and closes the old one', async () => {
    const pr = await newRequest('12.00');
    const first = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    await db.query(
      `UPDATE lightning_dev_invoices SET expires_at = now() - interval '1 second' WHERE payment_hash = $1`,
      [first.paymentHash],
    );
    await db.query(
      `UPDATE lightning_payments SET expires_at = now() - interval '1 second' WHERE payment_hash = $1`,
      [first.paymentHash],
    );
    await until('the old invoice closed', async () => {
      const [row] = await db.query<{ state: string }[]>(
        `SELECT state FROM lightning_payments WHERE payment_hash = $1`,
        [first.paymentHash],
      );
      return row.state === 'expired' ? true : undefined;
    });
    const second = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    expect(second.paymentHash).not.toBe(first.paymentHash);
    // Both listed, newest first, one page at a time.
    const list = (query: string) =>
      a.http().get(`/api/v1/payment-requests/${pr.id}/lightning-invoices${query}`).set(bearer(org.key));
    const page1 = await list('?limit=1').expect(200);
    expect(page1.body).toMatchObject({
      has_more: true,
      data: [{ paymentHash: second.paymentHash, state: 'open' }],
    });
    const page2 = await list(`?limit=1&cursor=${page1.body.next_cursor}`).expect(200);
    expect(page2.body).toMatchObject({
      has_more: false,
      next_cursor: null,
      data: [{ paymentHash: first.paymentHash, state: 'expired' }],
    });
    expect((await list('?cursor=bm9wZQ').expect(422)).body).toMatchObject({ code: 'INVALID_CURSOR' });
    expect((await list('?limit=0').expect(422)).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses a cancelled, unknown, foreign or malformed request, and a currency without a rate', async () => {
    const cancelled = await newRequest('10.00');
    await a.http().post(`/api/v1/payment-requests/${cancelled.id}/cancel`).set(bearer(org.key)).expect(200);
    expect((await issue(cancelled.id).expect(409)).body).toMatchObject({
      code: 'PAYMENT_REQUEST_NOT_PAYABLE',
    });
    expect((await issue('7d0b2a4e-1111-4c4c-8888-123456789abc').expect(404)).body).toMatchObject({
      code: 'PAYMENT_REQUEST_NOT_FOUND',
    });
    await issue('not-a-uuid').expect(404);
    const other = await createOrganization(a, 'Autre SAS');
    const theirs = (
      await a
        .http()
        .post('/api/v1/payment-requests')
        .set(bearer(other.key))
        .send({ amount: '5.00', currency: 'EUR' })
        .expect(201)
    ).body as { id: string };
    await issue(theirs.id).expect(404);
    const usd = await newRequest('10.00', 'USD');
    expect((await issue(usd.id).expect(503)).body).toMatchObject({ code: 'RATE_UNAVAILABLE' });
    await a.http().post(`/api/v1/payment-requests/${usd.id}/lightning-invoice`).expect(401);
  });

  const states = async (id: string) =>
    (
      await a.http().get(`/api/v1/payment-requests/${id}/lightning-invoices`).set(bearer(org.key)).expect(200)
    ).body.data.map((p: LightningInvoiceBody) => ({ hash: p.paymentHash, state: p.state, amount: p.amount }));
  const settleRefused = (hash: string) =>
    a.http().post(`/api/v1/lightning/dev/invoices/${hash}/settle`).set(bearer(TEST_ADMIN_KEY)).expect(409);

  it('cancels the open invoice when the amount due changes, so that the payer cannot pay twice', async () => {
    const pr = await newRequest('100.00');
    const old = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    await a
      .http()
      .patch(`/api/v1/payment-requests/${pr.id}`)
      .set(bearer(org.key))
      .send({ amount: '10.00' })
      .expect(200);
    await until('the old invoice cancelled', async () =>
      (await states(pr.id)).some((p: { state: string }) => p.state === 'cancelled') ? true : undefined,
    );
    expect((await settleRefused(old.paymentHash)).body).toMatchObject({
      code: 'LIGHTNING_INVOICE_CANCELLED',
    });
    const fresh = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    expect(fresh.amount).toBe('10.00');
    // A partial payment by transfer: the 10.00 invoice goes too, and the next one asks for the rest.
    await a
      .http()
      .post(`/api/v1/invoices/${pr.id}/charges`)
      .set(bearer(org.key))
      .send({ amount: '4.00', chargeType: 'transfer' })
      .expect(201);
    const rest = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    expect(rest.amount).toBe('6.00');
    // (Issued within the same second, their order in the list is the ids'.)
    const listed = await states(pr.id);
    expect(listed).toHaveLength(3);
    expect(listed).toEqual(
      expect.arrayContaining([
        { hash: rest.paymentHash, state: 'open', amount: '6.00' },
        { hash: fresh.paymentHash, state: 'cancelled', amount: '10.00' },
        { hash: old.paymentHash, state: 'cancelled', amount: '100.00' },
      ]),
    );
    await settleRefused(fresh.paymentHash);
    await settle(rest.paymentHash);
    const paid = await until('paid', async () => {
      const view = await request(pr.id);
      return view.status === 'paid' ? view : undefined;
    });
    expect(paid).toMatchObject({ amountPaid: '10.00', amountDue: '0.00' });
  });

  it('cancels an open invoice too close to its expiry to be handed out again when it issues the next', async () => {
    const pr = await newRequest('15.00');
    const first = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    await db.query(
      `UPDATE lightning_payments SET expires_at = now() + interval '60 seconds' WHERE payment_hash = $1`,
      [first.paymentHash],
    );
    const second = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    expect(second.paymentHash).not.toBe(first.paymentHash);
    const listed = await states(pr.id);
    expect(listed).toEqual(
      expect.arrayContaining([
        { hash: first.paymentHash, state: 'cancelled', amount: '15.00' },
        { hash: second.paymentHash, state: 'open', amount: '15.00' },
      ]),
    );
    await settleRefused(first.paymentHash);
  });

  it('cancels the open invoice of a cancelled request', async () => {
    const pr = await newRequest('20.00');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    await a.http().post(`/api/v1/payment-requests/${pr.id}/cancel`).set(bearer(org.key)).expect(200);
    await until('cancelled', async () => ((await states(pr.id))[0].state === 'cancelled' ? true : undefined));
    await settleRefused(invoice.paymentHash);
    expect((await request(pr.id)).charges).toEqual([]);
  });

  it('counts an invoice paid just before the amount due changed, rather than cancel it', async () => {
    const pr = await newRequest('50.00');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    // Paid at the node, then at once (before the watcher's next look) a transfer comes in.
    await settle(invoice.paymentHash);
    await a
      .http()
      .post(`/api/v1/invoices/${pr.id}/charges`)
      .set(bearer(org.key))
      .send({ amount: '5.00', chargeType: 'transfer' })
      .expect(201);
    const over = await until('both counted', async () => {
      const view = await request(pr.id);
      return view.charges.length === 2 && view.status === 'overpaid' ? view : undefined;
    });
    expect(over).toMatchObject({ amountPaid: '55.00', amountDue: '-5.00' });
    expect((await states(pr.id))[0]).toMatchObject({ state: 'settled' });
  });

  it('keeps a request for which an invoice was issued: deleting it is refused (409)', async () => {
    const pr = await newRequest('10.00');
    await issue(pr.id).expect(201);
    const res = await a.http().delete(`/api/v1/invoices/${pr.id}`).set(bearer(org.key)).expect(409);
    expect(res.body).toMatchObject({ code: 'PAYMENT_REQUEST_HAS_PAYMENTS' });
    await a.http().get(`/api/v1/payment-requests/${pr.id}`).set(bearer(org.key)).expect(200);
  });
});

describe('Lightning for every payment request (lnd backend, a fake LND)', () => {
  let lnd: FakeLnd;
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    lnd = await startFakeLnd();
    t = await createTestApp({
      ...ENV,
      LIGHTNING_BACKEND: 'lnd',
      LND_REST_URL: lnd.url,
      LND_MACAROON_HEX: lnd.macaroonHex,
      LND_TLS_CERT_PATH: lnd.tls.certPath,
      LND_TIMEOUT_SECONDS: '2',
    });
    org = await createOrganization(t);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await lnd.close();
  });

  const newRequest = async (amount: string) =>
    (
      await t
        .http()
        .post('/api/v1/payment-requests')
        .set(bearer(org.key))
        .send({ amount, currency: 'EUR' })
        .expect(201)
    ).body as { id: string };
  const issue = (id: string) =>
    t.http().post(`/api/v1/payment-requests/${id}/lightning-invoice`).set(bearer(org.key));
  const view = async (id: string) =>
    (await t.http().get(`/api/v1/payment-requests/${id}`).set(bearer(org.key)).expect(200)).body;
  const invoices = async (id: string) =>
    (await t.http().get(`/api/v1/payment-requests/${id}/lightning-invoices`).set(bearer(org.key)).expect(200))
      .body.data as Array<{ state: string; amountPaidMsat: string | null }>;

  it("credits an overpaid invoice pro rata at the rate it held, from LND's amt_paid_msat", async () => {
    const pr = await newRequest('10.00');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    // (The watcher's lookups go to this LND too: the last invoice asked for is compared.)
    expect(lnd.requests.filter((r) => r.method === 'POST' && r.path === '/v1/invoices').at(-1)).toMatchObject(
      {
        method: 'POST',
        path: '/v1/invoices',
        body: { value_msat: invoice.amountMsat, expiry: '900' },
      },
    );
    expect(bolt11.decode(invoice.bolt11, REGTEST).payeeNodeKey).toBe(lnd.nodeId);
    lnd.settle(invoice.paymentHash, BigInt(invoice.amountMsat) * 2n);
    const paid = await until('paid', async () => {
      const v = await view(pr.id);
      return v.status === 'overpaid' ? v : undefined;
    });
    expect(paid).toMatchObject({ amountPaid: '20.00', amountDue: '-10.00' });
    expect((await invoices(pr.id))[0]).toMatchObject({
      state: 'settled',
      amountPaidMsat: String(BigInt(invoice.amountMsat) * 2n),
    });
  });

  it('closes an invoice LND cancelled, with no charge', async () => {
    const pr = await newRequest('10.00');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    lnd.cancel(invoice.paymentHash);
    await until('cancelled', async () =>
      (await invoices(pr.id))[0].state === 'cancelled' ? true : undefined,
    );
    expect((await view(pr.id)).charges).toEqual([]);
    // A new one can be asked for.
    await issue(pr.id).expect(201);
  });

  it('cancels at LND the invoice its request no longer asks for', async () => {
    const pr = await newRequest('30.00');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    await t.http().post(`/api/v1/payment-requests/${pr.id}/cancel`).set(bearer(org.key)).expect(200);
    await until('cancelled', async () =>
      (await invoices(pr.id))[0].state === 'cancelled' ? true : undefined,
    );
    expect(lnd.requests).toContainEqual({
      method: 'POST',
      path: '/v2/invoices/cancel',
      body: { payment_hash: Buffer.from(invoice.paymentHash, 'hex').toString('base64') },
    });
  });

  it('answers 503 LIGHTNING_UNAVAILABLE when LND hangs, and the watcher picks up once it answers', async () => {
    const pr = await newRequest('10.00');
    const invoice = (await issue(pr.id).expect(201)).body as LightningInvoiceBody;
    lnd.hanging = true;
    try {
      const other = await newRequest('11.00');
      // More waiting calls than the pool has connections (20): none holds one while LND is asked, so
      // the rest of the API answers meanwhile.
      const finished: string[] = [];
      const waiting = Array.from({ length: 25 }, () =>
        issue(other.id).then((res) => {
          finished.push('issue');
          return res;
        }),
      );
      await new Promise((r) => setTimeout(r, 300)); // they are all waiting on LND now
      await t.http().get(`/api/v1/payment-requests/${other.id}`).set(bearer(org.key)).expect(200);
      finished.push('get');
      const answers = await Promise.all(waiting);
      expect(finished[0]).toBe('get');
      for (const res of answers) {
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ code: 'LIGHTNING_UNAVAILABLE' });
      }
    } finally {
      lnd.hanging = false;
    }
    lnd.settle(invoice.paymentHash);
    await until(
      'paid after the outage',
      async () => ((await view(pr.id)).status === 'paid' ? true : undefined),
      30_000,
    );
  }, 60_000);
});
