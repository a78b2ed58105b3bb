import { createHash } from 'node:crypto';
import bolt11 from 'bolt11';
import { decode as lightDecode } from 'light-bolt11-decoder';
import { DataSource } from 'typeorm';
import { nodeIdOf } from '../../src/modules/lightning/bolt11/bolt11-encoder.js';
import {
  DEV_NODE_KEY_SETTING,
  type DevLightningBackend,
} from '../../src/modules/lightning/dev/dev-lightning-backend.js';
import {
  LightningBackend,
  LightningUnavailableError,
  type CreateLightningInvoice,
} from '../../src/modules/lightning/lightning-backend.js';
import { createOrganization, createTestApp, TEST_ADMIN_KEY, type TestApp } from '../test-app.js';

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0] };

const ASK: CreateLightningInvoice = {
  amountMsat: 1_000_000n,
  description: 'Téléversement payé — 1 000 sats',
  expirySeconds: 600,
};

const settleRoute = (hash: string) => `/api/v1/lightning/dev/invoices/${hash}/settle`;

describe('Lightning: the dev backend (signed regtest invoices, state in PostgreSQL)', () => {
  let a: TestApp;
  let b: TestApp;
  let lnA: LightningBackend;
  let lnB: LightningBackend;

  beforeAll(async () => {
    // Two replicas: two app instances on one database, each with its own DATA_DIR.
    a = await createTestApp();
    b = await createTestApp();
    lnA = a.app.get(LightningBackend);
    lnB = b.app.get(LightningBackend);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const settle = (t: TestApp, hash: string, key = TEST_ADMIN_KEY) =>
    t.http().post(settleRoute(hash)).set('Authorization', `Bearer ${key}`);

  it('is the backend when nothing is configured, signing with the node key kept in the database', async () => {
    expect(lnA.name).toBe('dev');
    const rows: { value: string }[] = await a.app
      .get(DataSource)
      .query('SELECT value FROM app_settings WHERE key = $1', [DEV_NODE_KEY_SETTING]);
    expect(rows).toHaveLength(1);
    const nodeId = nodeIdOf(Buffer.from(rows[0].value, 'hex'));
    expect((lnA as DevLightningBackend).nodeId).toBe(nodeId);
    expect((lnB as DevLightningBackend).nodeId).toBe(nodeId);

    const fromA = await lnA.createInvoice(ASK);
    const fromB = await lnB.createInvoice(ASK);
    for (const invoice of [fromA, fromB]) {
      expect(bolt11.decode(invoice.paymentRequest, REGTEST).payeeNodeKey).toBe(nodeId);
    }
  });

  it('issues a real regtest BOLT #11 invoice for our amount, description and expiry', async () => {
    const before = Math.floor(Date.now() / 1000);
    const invoice = await lnA.createInvoice(ASK);
    expect(invoice.paymentRequest).toMatch(/^lnbcrt10u1/);
    expect(invoice.paymentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invoice.createdAt.getTime() % 1000).toBe(0);
    expect(invoice.createdAt.getTime() / 1000).toBeGreaterThanOrEqual(before);
    expect(invoice.expiresAt.getTime() - invoice.createdAt.getTime()).toBe(600_000);

    const oracle = bolt11.decode(invoice.paymentRequest, REGTEST);
    expect(oracle.complete).toBe(true);
    expect(oracle.payeeNodeKey).toBe((lnA as DevLightningBackend).nodeId);
    expect(oracle.millisatoshis).toBe('1000000');
    expect(oracle.timestamp).toBe(invoice.createdAt.getTime() / 1000);
    expect(oracle.timeExpireDate).toBe(invoice.expiresAt.getTime() / 1000);
    const tags = Object.fromEntries(oracle.tags.map((t) => [t.tagName, t.data]));
    expect(tags.payment_hash).toBe(invoice.paymentHash);
    expect(tags.description).toBe(ASK.description);
    expect(tags.min_final_cltv_expiry).toBe(18);
    expect(tags.payment_secret).toMatch(/^[0-9a-f]{64}$/);

    const light = lightDecode(invoice.paymentRequest);
    expect(light.expiry).toBe(600);
    const sections = Object.fromEntries(
      light.sections.map((s) => [s.name, 'value' in s ? s.value : undefined]),
    );
    expect(sections).toMatchObject({
      amount: '1000000',
      payment_hash: invoice.paymentHash,
      description: ASK.description,
      timestamp: invoice.createdAt.getTime() / 1000,
    });

    expect(await lnA.lookupInvoice(invoice.paymentHash)).toEqual({ state: 'open' });
  });

  it('is settled by a platform admin through the dev route, once, and every replica sees it', async () => {
    const invoice = await lnB.createInvoice(ASK);
    expect(await lnA.lookupInvoice(invoice.paymentHash)).toEqual({ state: 'open' });

    const first = await settle(a, invoice.paymentHash).expect(200);
    expect(first.body).toEqual({
      paymentHash: invoice.paymentHash,
      state: 'settled',
      preimage: expect.stringMatching(/^[0-9a-f]{64}$/),
      amountPaidMsat: '1000000',
      settledAt: expect.any(String),
    });
    expect(createHash('sha256').update(Buffer.from(first.body.preimage, 'hex')).digest('hex')).toBe(
      invoice.paymentHash,
    );

    const seenByB = await lnB.lookupInvoice(invoice.paymentHash);
    expect(seenByB).toEqual({
      state: 'settled',
      amountPaidMsat: 1_000_000n,
      settledAt: new Date(first.body.settledAt),
    });

    // Again, from the other replica, in capitals: the same answer, nothing changed.
    const again = await settle(b, invoice.paymentHash.toUpperCase()).expect(200);
    expect(again.body).toEqual(first.body);
  });

  it('settles once when two settlements race', async () => {
    const invoice = await lnA.createInvoice(ASK);
    const [one, two] = await Promise.all([settle(a, invoice.paymentHash), settle(b, invoice.paymentHash)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.settledAt).toBe(two.body.settledAt);
  });

  it('refuses to settle an unknown, malformed or expired invoice, with a clear 4xx', async () => {
    const unknown = await settle(a, 'ab'.repeat(32)).expect(404);
    expect(unknown.body).toMatchObject({
      code: 'LIGHTNING_INVOICE_NOT_FOUND',
      message: `No dev Lightning invoice has payment hash ${'ab'.repeat(32)}`,
    });

    const malformed = await settle(a, 'xyz').expect(422);
    expect(malformed.body.code).toBe('VALIDATION_FAILED');

    const short = await lnA.createInvoice({ ...ASK, expirySeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, short.expiresAt.getTime() - Date.now() + 50));
    expect(await lnB.lookupInvoice(short.paymentHash)).toEqual({ state: 'expired' });
    const expired = await settle(a, short.paymentHash).expect(409);
    expect(expired.body).toMatchObject({
      code: 'LIGHTNING_INVOICE_EXPIRED',
      message: `The invoice ${short.paymentHash} expired at ${short.expiresAt.toISOString()} unpaid: it can no longer be settled`,
    });
    expect(await lnA.lookupInvoice(short.paymentHash)).toEqual({ state: 'expired' });
  });

  it('lets only a platform admin settle', async () => {
    const invoice = await lnA.createInvoice(ASK);
    const org = await createOrganization(a);
    const forbidden = await settle(a, invoice.paymentHash, org.key).expect(403);
    expect(forbidden.body.code).toBe('PLATFORM_ADMIN_REQUIRED');
    await a.http().post(settleRoute(invoice.paymentHash)).expect(401);
    expect(await lnA.lookupInvoice(invoice.paymentHash)).toEqual({ state: 'open' });
  });

  it('knows nothing of an unknown payment hash', async () => {
    expect(await lnA.lookupInvoice('cd'.repeat(32))).toBeUndefined();
  });

  it('refuses what no invoice can carry before writing anything', async () => {
    await expect(lnA.createInvoice({ ...ASK, amountMsat: 0n })).rejects.toThrow(RangeError);
    await expect(lnA.createInvoice({ ...ASK, description: 'é'.repeat(320) })).rejects.toThrow(RangeError);
    await expect(lnA.createInvoice({ ...ASK, expirySeconds: 0 })).rejects.toThrow(RangeError);
  });

  it('with LIGHTNING_BACKEND=none: no settle route, and every invoice asked for is unavailable', async () => {
    const none = await createTestApp({ LIGHTNING_BACKEND: 'none' });
    try {
      const port = none.app.get(LightningBackend);
      await expect(port.createInvoice(ASK)).rejects.toThrow(LightningUnavailableError);
      await expect(port.lookupInvoice('ab'.repeat(32))).rejects.toThrow(
        'The Lightning backend is unavailable: no Lightning backend is configured (LIGHTNING_BACKEND=none)',
      );
      await settle(none, 'ab'.repeat(32)).expect(404);
    } finally {
      await none.close();
    }
  });
});
