import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bolt11 from 'bolt11';
import { decode as lightDecode } from 'light-bolt11-decoder';
import {
  LightningBackend,
  LightningUnavailableError,
  type CreateLightningInvoice,
} from '../../src/modules/lightning/lightning-backend.js';
import { LndLightningBackend } from '../../src/modules/lightning/lnd/lnd-lightning-backend.js';
import { createTestApp, TEST_ADMIN_KEY } from '../test-app.js';
import { selfSignedCertificate, startFakeLnd, type FakeLnd } from '../support/fake-lnd.js';

const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0] };

const ASK: CreateLightningInvoice = {
  amountMsat: 21_000_123n,
  description: 'Dépôt de fichier — 21 000 sats ⚡',
  expirySeconds: 900,
};

describe('Lightning: the lnd driver against a fake LND (TLS pinned, macaroon)', () => {
  let lnd: FakeLnd;
  let backend: LndLightningBackend;
  const drivers: LndLightningBackend[] = [];

  const driver = (change: Partial<ConstructorParameters<typeof LndLightningBackend>[0]> = {}) => {
    const made = new LndLightningBackend({
      restUrl: lnd.url,
      macaroonHex: lnd.macaroonHex,
      macaroonPath: undefined,
      tlsCertPath: lnd.tls.certPath,
      timeoutSeconds: 5,
      ...change,
    });
    drivers.push(made);
    return made;
  };

  beforeAll(async () => {
    lnd = await startFakeLnd();
    backend = driver();
  });

  afterAll(async () => {
    drivers.forEach((d) => d.close());
    await lnd.close();
  });

  it('asks LND for our amount, description and expiry, and hands back its invoice as it is', async () => {
    const before = Math.floor(Date.now() / 1000);
    const invoice = await backend.createInvoice(ASK);

    const sent = lnd.requests.at(-1)!;
    expect(sent).toEqual({
      method: 'POST',
      path: '/v1/invoices',
      body: { memo: ASK.description, value_msat: '21000123', expiry: '900' },
    });
    expect(invoice.paymentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(invoice.createdAt.getTime() / 1000).toBeGreaterThanOrEqual(before);
    expect(invoice.expiresAt.getTime() - invoice.createdAt.getTime()).toBe(900_000);

    const oracle = bolt11.decode(invoice.paymentRequest, REGTEST);
    expect(oracle.complete).toBe(true);
    expect(oracle.payeeNodeKey).toBe(lnd.nodeId);
    expect(oracle.millisatoshis).toBe('21000123');
    expect(oracle.timeExpireDate).toBe(invoice.expiresAt.getTime() / 1000);
    const tags = Object.fromEntries(oracle.tags.map((t) => [t.tagName, t.data]));
    expect(tags.payment_hash).toBe(invoice.paymentHash);
    expect(tags.description).toBe(ASK.description);

    const light = lightDecode(invoice.paymentRequest);
    expect(light.expiry).toBe(900);
    expect(light.sections.find((s) => s.name === 'amount')).toMatchObject({ value: '21000123' });
  });

  it('follows the invoice through OPEN, ACCEPTED and SETTLED, amount paid as LND says it', async () => {
    const { paymentHash } = await backend.createInvoice(ASK);
    expect(await backend.lookupInvoice(paymentHash)).toEqual({ state: 'open' });
    expect(lnd.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/invoice/${paymentHash}` });

    lnd.accept(paymentHash);
    expect(await backend.lookupInvoice(paymentHash)).toEqual({ state: 'open' });

    lnd.settle(paymentHash, 21_500_000n);
    const settled = await backend.lookupInvoice(paymentHash.toUpperCase());
    expect(settled).toEqual({ state: 'settled', amountPaidMsat: 21_500_000n, settledAt: expect.any(Date) });
    expect(Math.abs(settled!.settledAt!.getTime() - Date.now())).toBeLessThan(5_000);
  });

  it('says cancelled for a cancelled invoice, expired once an open one is past its expiry, nothing for an unknown one', async () => {
    const cancelled = await backend.createInvoice(ASK);
    lnd.cancel(cancelled.paymentHash);
    expect(await backend.lookupInvoice(cancelled.paymentHash)).toEqual({ state: 'cancelled' });

    const short = await backend.createInvoice({ ...ASK, expirySeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, short.expiresAt.getTime() - Date.now() + 50));
    expect(await backend.lookupInvoice(short.paymentHash)).toEqual({ state: 'expired' });

    expect(await backend.lookupInvoice('ab'.repeat(32))).toBeUndefined();
    expect(await backend.lookupInvoice('not-a-hash')).toBeUndefined();
  });

  it.each([
    ['expiry', { expiry: 86400 }],
    ['amount', { valueMsat: 21_000_000n }],
    ['description', { memo: 'something else' }],
  ])('refuses an invoice from LND whose %s is not the one asked for', async (field, override) => {
    lnd.override = override;
    try {
      await expect(backend.createInvoice(ASK)).rejects.toThrow(
        new LightningUnavailableError(`LND returned an invoice whose ${field} is not the one asked for`),
      );
    } finally {
      lnd.override = {};
    }
  });

  it('reads the macaroon from LND_MACAROON_PATH (the binary file lncli writes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'macaroon-'));
    const path = join(dir, 'invoice.macaroon');
    writeFileSync(path, Buffer.from(lnd.macaroonHex, 'hex'), { mode: 0o600 });
    const fromFile = driver({ macaroonHex: undefined, macaroonPath: path });
    const invoice = await fromFile.createInvoice(ASK);
    expect(await fromFile.lookupInvoice(invoice.paymentHash)).toEqual({ state: 'open' });
  });

  it('reports a refused macaroon as a clear LightningUnavailableError', async () => {
    const wrong = driver({ macaroonHex: '0201036c6e6402f801' });
    const failure = await wrong.createInvoice(ASK).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LightningUnavailableError);
    expect((failure as Error).message).toMatch(/LND refused the macaroon \(HTTP 403: verification failed/);
    await expect(wrong.lookupInvoice('ab'.repeat(32))).rejects.toThrow(/refused the macaroon/);
  });

  it('refuses a node presenting another certificate than the pinned one, and a self-signed one without a pin', async () => {
    const received = lnd.requests.length;
    const otherCert = selfSignedCertificate('someone-else');
    const pinnedElsewhere = driver({ tlsCertPath: otherCert.certPath });
    const failure = await pinnedElsewhere.createInvoice(ASK).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LightningUnavailableError);
    expect((failure as Error).message).toMatch(/certificate that is not the pinned one/);

    const systemCas = driver({ tlsCertPath: undefined });
    await expect(systemCas.lookupInvoice('ef'.repeat(32))).rejects.toThrow(/not the pinned one/);
    // Nothing reached the node through either: the TLS handshake was refused before any request.
    expect(lnd.requests.length).toBe(received);
  });

  it('gives up on a node that does not answer within LND_TIMEOUT_SECONDS', async () => {
    const impatient = driver({ timeoutSeconds: 1 });
    lnd.hanging = true;
    try {
      await expect(impatient.lookupInvoice('cd'.repeat(32))).rejects.toThrow(
        new LightningUnavailableError(`LND at ${lnd.url} did not answer within 1 s`),
      );
    } finally {
      lnd.hanging = false;
    }
  });

  it('reports a node that is down as LightningUnavailableError', async () => {
    const down = await startFakeLnd({ tls: lnd.tls });
    const url = down.url;
    await down.close();
    const failure = await driver({ restUrl: url, macaroonHex: down.macaroonHex })
      .createInvoice(ASK)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LightningUnavailableError);
    expect((failure as Error).message).toBe(
      `The Lightning backend is unavailable: LND at ${url} could not be reached (ECONNREFUSED)`,
    );
  });

  it('is what the app uses with LIGHTNING_BACKEND=lnd, and the dev settle route does not exist then', async () => {
    const t = await createTestApp({
      LND_REST_URL: lnd.url,
      LND_MACAROON_HEX: lnd.macaroonHex,
      LND_TLS_CERT_PATH: lnd.tls.certPath,
    });
    try {
      const port = t.app.get(LightningBackend);
      expect(port.name).toBe('lnd');
      const invoice = await port.createInvoice(ASK);
      lnd.settle(invoice.paymentHash);
      expect(await port.lookupInvoice(invoice.paymentHash)).toMatchObject({ state: 'settled' });

      const res = await t
        .http()
        .post(`/api/v1/lightning/dev/invoices/${invoice.paymentHash}/settle`)
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
    } finally {
      await t.close();
    }
  });
});
