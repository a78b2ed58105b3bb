import {
  bearer,
  expectError,
  expectFieldRefused,
  ISO_MS,
  UPUB,
  UUID,
  YPUB,
  ZPUB,
} from '../support/checkout.js';
import { createOrganization, createTestApp, type TestApp, type TestOrganization } from '../test-app.js';

/** Bitcoin checkout stores: the account key, its network and script type, terms, scopes, tenancy. */
const ZPUB_AS_XPUB =
  'xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V';
const ZPRV =
  'zprvAdG4iTXWBoARxkkzNpNh8r6Qag3irQB8PzEMkAFeTRXxHpbF9z4QgEvBRmfvqWvGp42t42nvgGpNgYSJA9iefm1yYNZKEm7z6qUWCroSQnE';
// The BIP84 testnet account (vpub5Y6cjg…) as a tpub.
const TPUB_BIP84 =
  'tpubDC8msFGeGuwnKG9Upg7DM2b4DaRqg3CUZa5g8v2SRQ6K4NSkxUgd7HsL2XVWbVm39yBA4LAxysQAm397zwQSQoQgewGiYZqrA9DsP4zbQ1M';
// The BIP84 zpub under the Zpub (multisig) version bytes.
const ZPUB_MULTISIG =
  'Zpub739WFCnqb8H6bozqRWNgL4NwrVvUUDaa5UodTovoPXuLnoVJTvkwKA6b5ioUif4ntuhU53ob9LUdZ66F3uNGoX8S6gzjGa1yvYFtkDRknR2';

describe('checkout stores /api/v1/checkout/stores', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  const create = (body: object, key = org.key) =>
    t.http().post('/api/v1/checkout/stores').set(bearer(key)).send(body);
  const store = (body: object = {}) => ({
    name: 'Boutique',
    currency: 'EUR',
    derivationScheme: ZPUB,
    ...body,
  });

  it('creates a store from a zpub: mainnet p2wpkh, the defaults, the callback secret shown once', async () => {
    const res = await create(store()).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Boutique',
      currency: 'EUR',
      derivationScheme: ZPUB,
      addressType: 'p2wpkh',
      network: 'mainnet',
      callbackUrl: null,
      callbackSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]{32,}$/),
      confirmations: 1,
      expirationMinutes: 15,
      monitoringMinutes: 1440,
      paymentTolerancePercent: '0.00',
      successRedirectUrl: null,
      errorRedirectUrl: null,
      addressesIssued: 0,
      consecutiveUnpaid: 0,
      warnings: [],
      createdAt: expect.stringMatching(ISO_MS),
      updatedAt: expect.stringMatching(ISO_MS),
    });
    const got = await t.http().get(`/api/v1/checkout/stores/${res.body.id}`).set(bearer(org.key)).expect(200);
    const { callbackSecret, ...shown } = res.body as Record<string, unknown>;
    expect(callbackSecret).toBeDefined();
    expect(got.body).toEqual(shown);
  });

  it('the network and script type follow the key: upub testnet p2sh, ypub mainnet p2sh, tpub with addressType', async () => {
    const upub = await create(store({ derivationScheme: UPUB })).expect(201);
    expect([upub.body.network, upub.body.addressType]).toEqual(['testnet', 'p2sh-p2wpkh']);
    const ypub = await create(store({ derivationScheme: YPUB })).expect(201);
    expect([ypub.body.network, ypub.body.addressType]).toEqual(['mainnet', 'p2sh-p2wpkh']);
    const tpub = await create(store({ derivationScheme: TPUB_BIP84, addressType: 'p2wpkh' })).expect(201);
    expect([tpub.body.network, tpub.body.addressType]).toEqual(['testnet', 'p2wpkh']);
  });

  it('takes every term, within its bounds', async () => {
    const res = await create(
      store({
        confirmations: 0,
        expirationMinutes: 30,
        monitoringMinutes: 0,
        paymentTolerancePercent: 2.5,
        successRedirectUrl: 'https://example.com/process/success',
        errorRedirectUrl: 'https://example.com/process/error',
        callbackUrl: 'https://93.184.216.34/checkout/callback',
      }),
    ).expect(201);
    expect(res.body).toMatchObject({
      confirmations: 0,
      expirationMinutes: 30,
      monitoringMinutes: 0,
      paymentTolerancePercent: '2.50',
      successRedirectUrl: 'https://example.com/process/success',
      errorRedirectUrl: 'https://example.com/process/error',
      callbackUrl: 'https://93.184.216.34/checkout/callback',
    });
    for (const [field, value] of [
      ['confirmations', 7],
      ['confirmations', -1],
      ['confirmations', 1.5],
      ['expirationMinutes', 0],
      ['monitoringMinutes', -5],
      ['paymentTolerancePercent', '100.5'],
      ['paymentTolerancePercent', '-1'],
      ['paymentTolerancePercent', '1.234'],
      ['successRedirectUrl', 'javascript:alert(1)'],
      ['errorRedirectUrl', 'not a url'],
      ['name', ''],
      ['currency', 'EURO'],
    ] as const) {
      expectFieldRefused(await create(store({ [field]: value })), field);
    }
  });

  it('refuses a private key, a multisig key, a bad checksum, an xpub without addressType, with a reason each', async () => {
    expectFieldRefused(await create(store({ derivationScheme: ZPRV })), 'derivationScheme', /private key/);
    expectFieldRefused(
      await create(store({ derivationScheme: ZPUB_MULTISIG })),
      'derivationScheme',
      /multisig/,
    );
    expectFieldRefused(
      await create(store({ derivationScheme: ZPUB.slice(0, -1) + 't' })),
      'derivationScheme',
      /checksum/,
    );
    expectFieldRefused(await create(store({ derivationScheme: ZPUB_AS_XPUB })), 'addressType', /p2wpkh/);
    expectFieldRefused(await create(store({ derivationScheme: 'bonjour' })), 'derivationScheme');
    expectFieldRefused(await create(store({ derivationScheme: 42 })), 'derivationScheme');
    expectFieldRefused(await create(store({ addressType: 'p2pkh' })), 'addressType');
  });

  it('refuses BTC as settlement currency', async () => {
    expectFieldRefused(await create(store({ currency: 'BTC' })), 'currency');
  });

  it('refuses a callback URL that reaches an internal address, or is not http(s)', async () => {
    expectError(await create(store({ callbackUrl: 'http://127.0.0.1:9/cb' })), 422, 'WEBHOOK_URL_NOT_PUBLIC');
    expectError(
      await create(store({ callbackUrl: 'http://169.254.169.254/' })),
      422,
      'WEBHOOK_URL_NOT_PUBLIC',
    );
    expectError(await create(store({ callbackUrl: 'ftp://example.com/' })), 422, 'WEBHOOK_URL_INVALID');
  });

  it('refuses a second store on the same key in one organization (also as xpub), not in another', async () => {
    await create(store()).expect(201);
    expectError(await create(store({ name: 'Again' })), 409, 'CHECKOUT_STORE_KEY_IN_USE');
    expectError(
      await create(store({ derivationScheme: ZPUB_AS_XPUB, addressType: 'p2wpkh' })),
      409,
      'CHECKOUT_STORE_KEY_IN_USE',
    );
    // The same node as p2sh-p2wpkh makes other addresses.
    await create(store({ derivationScheme: ZPUB_AS_XPUB, addressType: 'p2sh-p2wpkh' })).expect(201);
    const other = await createOrganization(t);
    await create(store(), other.key).expect(201);
  });

  it('PATCH changes terms and, while no address was handed out, the key', async () => {
    const { body: created } = await create(store()).expect(201);
    const res = await t
      .http()
      .patch(`/api/v1/checkout/stores/${created.id}`)
      .set(bearer(org.key))
      .send({ name: 'Renamed', confirmations: 3, derivationScheme: UPUB, callbackUrl: null })
      .expect(200);
    expect(res.body).toMatchObject({
      name: 'Renamed',
      confirmations: 3,
      derivationScheme: UPUB,
      network: 'testnet',
      addressType: 'p2sh-p2wpkh',
    });
    expect(res.body.callbackSecret).toBeUndefined();
    expectFieldRefused(
      await t.http().patch(`/api/v1/checkout/stores/${created.id}`).set(bearer(org.key)).send({ name: null }),
      'name',
    );
  });

  it('rotate-secret shows a new secret once', async () => {
    const { body: created } = await create(store()).expect(201);
    const res = await t
      .http()
      .post(`/api/v1/checkout/stores/${created.id}/rotate-secret`)
      .set(bearer(org.key))
      .expect(200);
    expect(res.body.callbackSecret).toMatch(/^whsec_/);
    expect(res.body.callbackSecret).not.toBe(created.callbackSecret);
  });

  it('lists by pages, oldest first', async () => {
    const ids: string[] = [];
    for (const key of [ZPUB, UPUB, YPUB])
      ids.push((await create(store({ derivationScheme: key })).expect(201)).body.id);
    const first = await t.http().get('/api/v1/checkout/stores?limit=2').set(bearer(org.key)).expect(200);
    expect(first.body.data.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2));
    expect(first.body.has_more).toBe(true);
    const second = await t
      .http()
      .get(`/api/v1/checkout/stores?limit=2&cursor=${first.body.next_cursor}`)
      .set(bearer(org.key))
      .expect(200);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.data.map((s: { id: string }) => s.id)).toEqual(ids.slice(2));
    expectError(
      await t.http().get('/api/v1/checkout/stores?cursor=bogus').set(bearer(org.key)),
      422,
      'INVALID_CURSOR',
    );
  });

  it("another organization's store, or a malformed id, is not found", async () => {
    const { body: created } = await create(store()).expect(201);
    const other = await createOrganization(t);
    for (const id of [created.id, 'not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      expectError(
        await t.http().get(`/api/v1/checkout/stores/${id}`).set(bearer(other.key)),
        404,
        'CHECKOUT_STORE_NOT_FOUND',
      );
    }
    expectError(
      await t
        .http()
        .patch(`/api/v1/checkout/stores/${created.id}`)
        .set(bearer(other.key))
        .send({ name: 'x' }),
      404,
      'CHECKOUT_STORE_NOT_FOUND',
    );
    expectError(
      await t.http().post(`/api/v1/checkout/stores/${created.id}/rotate-secret`).set(bearer(other.key)),
      404,
      'CHECKOUT_STORE_NOT_FOUND',
    );
    const list = await t.http().get('/api/v1/checkout/stores').set(bearer(other.key)).expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('scopes: the organization admin key has checkout:read and checkout:write; a read key cannot write', async () => {
    const keys = await t.http().get('/api/v1/api-keys').set(bearer(org.key)).expect(200);
    expect(keys.body.data[0].scopes).toEqual(expect.arrayContaining(['checkout:read', 'checkout:write']));
    const reader = await t
      .http()
      .post('/api/v1/api-keys')
      .set(bearer(org.key))
      .send({ name: 'reader', scopes: ['checkout:read'] })
      .expect(201);
    const readKey = reader.body.key as string;
    await t.http().get('/api/v1/checkout/stores').set(bearer(readKey)).expect(200);
    expectError(await create(store(), readKey), 403, 'INSUFFICIENT_SCOPE');
    const other = await t
      .http()
      .post('/api/v1/api-keys')
      .set(bearer(org.key))
      .send({ name: 'receipts', scopes: ['receipts:read'] })
      .expect(201);
    expectError(
      await t
        .http()
        .get('/api/v1/checkout/stores')
        .set(bearer(other.body.key as string)),
      403,
      'INSUFFICIENT_SCOPE',
    );
  });

  it('takes `Authorization: Token <key>` as seed 003 does', async () => {
    await t.http().get('/api/v1/checkout/stores').set('Authorization', `Token ${org.key}`).expect(200);
  });

  it('an Idempotency-Key replay answers the same store, its secret not kept', async () => {
    const first = await create(store()).set('Idempotency-Key', 'store-1').expect(201);
    const again = await create(store()).set('Idempotency-Key', 'store-1').expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, callbackSecret: null });
  });
});
