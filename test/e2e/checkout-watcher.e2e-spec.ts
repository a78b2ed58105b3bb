import { DataSource } from 'typeorm';
import { CheckoutPaymentsService } from '../../src/modules/checkout/watcher/checkout-payments.service.js';
import {
  bearer,
  callbacksOf,
  createStore,
  DUE_SATS,
  postInvoice,
  SEED_FIELDS as FIELDS,
  SEED_RATES,
  token,
  VPUB,
} from '../support/checkout.js';
import { FakeEsplora } from '../support/fake-esplora.js';
import { Receiver, until as untilWithin } from '../support/webhook-receiver.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/**
 * The chain watcher and the store's callback (issue 11 §4–5), end to end: a fake Esplora on 127.0.0.1,
 * fixed rates, two app instances on one database (both run the watcher job), and a callback receiver
 * verifying every signature with the standardwebhooks package. The watcher polls every second.
 */
const SEED_FIELDS = [...FIELDS].sort();
/** How long a step may take: the watcher polls every second, with two replicas on two busy cores. */
const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 25_000) =>
  untilWithin(what, probe, timeoutMs);

describe('the chain watcher and the store callback', () => {
  let esplora: FakeEsplora;
  const receiver = new Receiver();
  let t: TestApp;
  let replica: TestApp;
  let db: DataSource;
  let org: TestOrganization;
  let storeId: string;

  beforeAll(async () => {
    esplora = await FakeEsplora.start();
    await receiver.start();
    const env = {
      // Testnet only: the database is shared by the whole run, and other specs' mainnet invoices would be
      // polled at this fake too (a 429 served to one of them backs mainnet off, not testnet, which then
      // goes on at once: what broke the Retry-After test below in a full run).
      ESPLORA_URL_TESTNET: esplora.url,
      CHAIN_POLL_SECONDS: '1',
      ...SEED_RATES,
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      WEBHOOK_RETRY_SCHEDULE: '0,1,1',
    };
    t = await createTestApp(env);
    // A second replica on the same database: it runs the watcher job too.
    replica = await createTestApp(env);
    db = t.app.get(DataSource);
    org = await createOrganization(t);
    const store = await createStore(t, org.key, {
      derivationScheme: VPUB,
      callbackUrl: receiver.url,
      confirmations: 1,
    });
    storeId = store.id;
    receiver.secret = store.callbackSecret;
  }, 60_000);
  afterAll(async () => {
    await replica?.close();
    await t?.close();
    await receiver.stop();
    await esplora.stop();
  });

  async function newInvoice(): Promise<{ id: string; btc_address: string }> {
    const res = await postInvoice(t, storeId, token(org.key), {
      amount: '1001.54',
      currency: 'EUR',
      customer_email: 'customer@example.com',
    }).expect(201);
    expect(res.body.btc_amount).toBe('0.04576250');
    return res.body;
  }
  const canonical = async (id: string) =>
    (await t.http().get(`/api/v1/payment-requests/${id}`).set(bearer(org.key)).expect(200)).body;
  const seed003 = async (id: string) =>
    (await t.http().get(`/api/v1/checkout/stores/${storeId}/invoices/${id}`).set(token(org.key)).expect(200))
      .body;
  const seed004 = async (id: string) =>
    (await t.http().get(`/api/v1/invoices/${id}`).set(bearer(org.key)).expect(200)).body;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON answer, checked by each test
  const when = (what: string, id: string, test: (pr: Record<string, any>) => boolean) =>
    until(what, async () => {
      const pr = await canonical(id);
      return test(pr) ? pr : undefined;
    });

  it('sees a payment in the mempool (pending, NEW), then confirmed (PAID, settled, seed 004 view 20)', async () => {
    const inv = await newInvoice();
    const { txid } = esplora.pay(inv.btc_address, DUE_SATS);
    const pending = await when('the pending charge', inv.id, (pr) => pr.charges.length === 1);
    expect(pending).toMatchObject({
      status: 'unpaid',
      amountPaid: '0.00',
      amountPending: '1001.54',
      checkout: { status: 'NEW', state: 'processing', btcPaid: '0.04576250', btcSettled: '0.00000000' },
    });
    expect(pending.charges[0]).toMatchObject({
      chargeType: 'bitcoin',
      reference: `${txid}:0`,
      state: 'pending',
      confirmations: 0,
      amount: '1001.54',
      originalAmount: '0.04576250',
      originalCurrency: 'BTC',
    });
    expect((await seed003(inv.id)).status).toBe('NEW');

    esplora.mine();
    const paid = await when('PAID', inv.id, (pr) => pr.checkout?.status === 'PAID');
    expect(paid).toMatchObject({
      amountPaid: '1001.54',
      amountDue: '0.00',
      amountPending: '0.00',
      checkout: {
        state: 'settled',
        btcDue: '0.00000000',
        paidPartial: false,
        paidOver: false,
        paidLate: false,
      },
    });
    expect(paid.charges[0]).toMatchObject({ state: 'settled', confirmations: 1 });
    expect((await seed003(inv.id)).status).toBe('PAID');
    expect(await seed004(inv.id)).toMatchObject({ status: 20 });

    // Callbacks: the seed's object exactly, every one signed, the last one PAID.
    const objects = await until('the PAID callback', () => {
      const o = callbacksOf(receiver, inv.id);
      return o.at(-1)?.status === 'PAID' ? o : undefined;
    });
    expect(objects.length).toBeGreaterThanOrEqual(2);
    for (const o of objects) expect(Object.keys(o).sort()).toEqual(SEED_FIELDS);
    expect(objects.at(-1)).toEqual(await seed003(inv.id).then(pick));
  });

  it('shows an underpayment as partial, and an overpayment as a negative amount due', async () => {
    const under = await newInvoice();
    esplora.pay(under.btc_address, 1_000_000);
    const over = await newInvoice();
    esplora.pay(over.btc_address, DUE_SATS + 100_000);
    esplora.mine();
    const partial = await when('the partial payment settled', under.id, (pr) => pr.amountPaid !== '0.00');
    expect(partial).toMatchObject({
      amountPaid: '218.85', // floor(1,000,000 × 1001.54 / 4,576,250) cents
      amountDue: '782.69',
      checkout: { status: 'NEW', state: 'new', paidPartial: true, btcDue: '0.03576250' },
    });
    const overpaid = await when('the overpayment settled', over.id, (pr) => pr.checkout?.status === 'PAID');
    expect(overpaid).toMatchObject({
      amountPaid: '1023.42',
      amountDue: '-21.88',
      checkout: { state: 'settled', paidOver: true, btcDue: '-0.00100000' },
    });
  });

  it('accepts a payment after expiry within the monitoring window, as paid late', async () => {
    const inv = await newInvoice();
    // The quote expired a minute ago (monitoring goes on for the store's 1440 minutes).
    await db.query(`UPDATE checkout_invoices SET expires_at = now() - interval '1 minute' WHERE id = $1`, [
      inv.id,
    ]);
    expect((await canonical(inv.id)).checkout.state).toBe('expired');
    esplora.pay(inv.btc_address, DUE_SATS);
    esplora.mine();
    const late = await when('the late payment', inv.id, (pr) => pr.checkout?.status === 'PAID');
    expect(late.checkout).toMatchObject({ state: 'settled', paidLate: true });
  });

  it('voids the charge of a replaced transaction, and the invoice is NEW again', async () => {
    const inv = await newInvoice();
    const { txid } = esplora.pay(inv.btc_address, DUE_SATS, { rbf: true });
    await when('the pending charge', inv.id, (pr) => pr.charges.length === 1);
    esplora.replace(txid, [{ address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', sats: DUE_SATS }]);
    const voided = await when('the voided charge', inv.id, (pr) => pr.charges[0]?.state === 'voided');
    expect(voided).toMatchObject({
      amountPaid: '0.00',
      amountPending: '0.00',
      checkout: { status: 'NEW', state: 'new', btcPaid: '0.00000000' },
    });
    expect(voided.charges[0].voidedAt).toEqual(expect.any(String));
    const types = await db.query<{ type: string }[]>(
      `SELECT type FROM events WHERE organization_id = $1 AND payload->>'reference' = $2 ORDER BY occurred_at`,
      [org.id, `${txid}:0`],
    );
    expect(types.map((e) => e.type)).toEqual(['charge.created', 'charge.voided']);
  });

  it('slows down on 429 (Retry-After) and on 500, and goes on once Esplora recovers', async () => {
    const inv = await newInvoice();
    const before = esplora.log.length;
    esplora.fail({ status: 429, retryAfter: '4' }, 1);
    // The 429 as served, then the next cycle: not before Retry-After, whichever replica runs it.
    const limited = await until(
      'the 429 served',
      () => esplora.log.slice(before).find((r) => r.failed),
      60_000,
    );
    const next = await until(
      'a request after the 429',
      // A cycle's first request (the addresses of the limited cycle may still be in flight).
      () => esplora.log.find((r) => r.at > limited.at && r.path === '/blocks/tip/height'),
      60_000,
    );
    expect(next.at - limited.at).toBeGreaterThanOrEqual(3_900);
    esplora.fail({ status: 500 }, 2);
    esplora.pay(inv.btc_address, DUE_SATS);
    esplora.mine();
    await until(
      'PAID after the outage',
      async () => ((await canonical(inv.id)).checkout?.status === 'PAID' ? true : undefined),
      60_000,
    );
    const [row] = await db.query(
      `SELECT failures, retry_at FROM checkout_chain_watch WHERE network = 'testnet'`,
    );
    expect(row).toMatchObject({ failures: 0, retry_at: null });
  }, 150_000);

  it("is PAID, and tells its store, when a bookkeeper's charge covers it (any way of being paid)", async () => {
    const inv = await newInvoice();
    await t
      .http()
      .post(`/api/v1/invoices/${inv.id}/charges`)
      .set(bearer(org.key))
      .send({ amount: '1001.54', chargeType: 'transfer', reference: 'VIR-42' })
      .expect(201);
    const paid = await until('seed 003 PAID', async () => {
      const o = await seed003(inv.id);
      return o.status === 'PAID' ? o : undefined;
    });
    expect((await seed004(inv.id)).status).toBe(20);
    await until('the PAID callback', () =>
      callbacksOf(receiver, inv.id).some((o) => o.status === 'PAID' && o.updated_at === paid.updated_at)
        ? true
        : undefined,
    );
  });

  it('stays NEW when paid after its cancellation: the money shows as owed back, the store is not told PAID', async () => {
    const inv = await newInvoice();
    await t.http().post(`/api/v1/payment-requests/${inv.id}/cancel`).set(bearer(org.key)).expect(200);
    esplora.pay(inv.btc_address, DUE_SATS);
    esplora.mine();
    const late = await when('the settled charge', inv.id, (pr) => pr.charges[0]?.state === 'settled');
    expect(late).toMatchObject({ status: 'cancelled', amountDue: '-1001.54' });
    expect((await seed003(inv.id)).status).toBe('NEW');
    expect((await seed004(inv.id)).status).toBe(10);
    // Whatever reached the store about this invoice, none said PAID.
    await new Promise((r) => setTimeout(r, 1500));
    expect(callbacksOf(receiver, inv.id).map((o) => o.status)).not.toContain('PAID');
    const page = await t.http().get(`/checkout/${inv.id}/status`).expect(200);
    expect(page.body.status).toBe('cancelled');
  });

  it('records an output once when both instances apply it at the same moment', async () => {
    const inv = await newInvoice();
    const [row] = await db.query(`SELECT organization_id FROM checkout_invoices WHERE id = $1`, [inv.id]);
    const output = {
      txid: 'ab'.repeat(32),
      vout: 1,
      sats: BigInt(DUE_SATS),
      confirmations: 0,
      rbfSignalled: false,
      blockHeight: null,
    };
    const seen = { outputs: [output], mempoolComplete: true };
    const written = await Promise.all(
      [t, replica, t, replica].map((app) =>
        app.app.get(CheckoutPaymentsService).apply(row.organization_id, inv.id, seen),
      ),
    );
    expect(written.filter(Boolean)).toHaveLength(1);
    const pr = await canonical(inv.id);
    expect(pr.charges.map((c: { reference: string }) => c.reference)).toEqual([`${'ab'.repeat(32)}:1`]);
  });

  it('records each output once with two instances watching, and signs every callback', async () => {
    const doubles = await db.query(
      `SELECT payment_request_id, reference, count(*) FROM charges
        WHERE organization_id = $1 AND voided_at IS NULL GROUP BY 1, 2 HAVING count(*) > 1`,
      [org.id],
    );
    expect(doubles).toEqual([]);
    const [{ created, charges }] = await db.query(
      `SELECT (SELECT count(*)::int FROM events WHERE organization_id = $1 AND type = 'charge.created') AS created,
              (SELECT count(*)::int FROM charges WHERE organization_id = $1) AS charges`,
      [org.id],
    );
    expect(created).toBe(charges);
    // Every callback so far arrived signed with the store's secret, carrying the seed's object.
    await until('the callbacks delivered', async () => {
      const [{ pending }] = await db.query(
        `SELECT count(*)::int AS pending FROM webhook_deliveries WHERE organization_id = $1 AND status = 'pending'`,
        [org.id],
      );
      return pending === 0 ? true : undefined;
    });
    expect(receiver.received.length).toBeGreaterThan(5);
    for (const r of receiver.received) {
      expect(r.verified).toEqual(JSON.parse(r.body));
      expect(Object.keys(JSON.parse(r.body)).sort()).toEqual(SEED_FIELDS);
    }
    // Its log, and a redelivery, at the store's callbacks route; hidden from /api/v1/webhooks.
    const log = await t
      .http()
      .get(`/api/v1/checkout/stores/${storeId}/callbacks`)
      .set(bearer(org.key))
      .expect(200);
    expect(log.body.data.length).toBeGreaterThan(0);
    expect(log.body.data[0]).toMatchObject({ eventType: 'checkout.invoice.updated', status: 'succeeded' });
    const before = receiver.received.length;
    await t
      .http()
      .post(`/api/v1/checkout/stores/${storeId}/callbacks/${log.body.data[0].id}/redeliver`)
      .set(bearer(org.key))
      .expect(202);
    await until('the redelivery', () => (receiver.received.length > before ? true : undefined));
    const redelivered = receiver.received.at(-1)!;
    expect(redelivered.verified).toEqual(JSON.parse(redelivered.body));
    const hooks = await t.http().get('/api/v1/webhooks').set(bearer(org.key)).expect(200);
    expect(hooks.body.data).toEqual([]);
  });

  it("signs the next callbacks with the store's new secret after rotate-secret", async () => {
    const rotated = await t
      .http()
      .post(`/api/v1/checkout/stores/${storeId}/rotate-secret`)
      .set(bearer(org.key))
      .expect(200);
    receiver.secret = rotated.body.callbackSecret;
    const inv = await newInvoice();
    esplora.pay(inv.btc_address, 1000);
    const [callback] = await until('the callback of the new payment', () => {
      const got = receiver.received.filter((r) => (JSON.parse(r.body) as { id: string }).id === inv.id);
      return got.length > 0 ? got : undefined;
    });
    expect(callback.verified).toEqual(JSON.parse(callback.body));
  });
});

function pick(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SEED_FIELDS.map((k) => [k, o[k]]));
}
