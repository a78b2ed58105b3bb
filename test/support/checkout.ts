import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import type { TestApp } from '../test-app.js';
import type { Receiver } from './webhook-receiver.js';

/** What the checkout e2e specs share: the test keys, the seed's rates, the seed 003 routes. */

// BIP84 mainnet (zpub), BIP49 testnet (upub), BIP49 mainnet (ypub) and BIP84 testnet (vpub) accounts.
export const ZPUB =
  'zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs';
export const UPUB =
  'upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY';
export const YPUB =
  'ypub6Ww3ibxVfGzLrAH1PNcjyAWenMTbbAosGNB6VvmSEgytSER9azLDWCxoJwW7Ke7icmizBMXrzBx9979FfaHxHcrArf3zbeJJJUZPf663zsP';
export const VPUB =
  'vpub5Y6cjg78GGuNLsaPhmYsiw4gYX3HoQiRBiSwDaBXKUafCt9bNwWQiitDk5VZ5BVxYnQdwoTyXSs2JHRPAgjAvtbBrf8ZhDYe2jWAqvZVnsc';

// The seed's example: 1001.54 EUR at btc_rate 0.000045692133693556 and usd_rate 1.18 (DESIGN.md §7).
export const SEED_RATES = {
  RATE_SOURCES: 'fixed',
  FIXED_RATES: 'EUR_BTC=0.000045692133693556,EUR_USD=1.18,BTC_USD=25000',
} as const;
/** 1001.54 EUR at the seed's rate: 0.04576250 BTC. */
export const DUE_SATS = 4_576_250;

/** The fields of seed 003's invoice object, in the seed's order. */
export const SEED_FIELDS: readonly string[] = [
  'id',
  'store_id',
  'amount',
  'currency',
  'status',
  'success_redirect_url',
  'error_redirect_url',
  'created_at',
  'updated_at',
  'customer_email',
  'btc_address',
  'btc_amount',
  'btc_rate',
  'usd_amount',
  'usd_rate',
];

export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The two ways a store's invoices route takes the key: seed 003's `Token`, and the API's `Bearer`. */
export const token = (key: string) => ({ Authorization: `Token ${key}` });
export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

export function expectError(res: Response, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: statusCode, code });
  expect(res.body).toMatchObject({ statusCode, code, message: expect.any(String) });
}

export function expectFieldRefused(res: Response, field: string, message?: RegExp): void {
  expectError(res, 422, 'VALIDATION_FAILED');
  const details = res.body.details as { field: string; messages: string[] }[];
  expect(details.map((d) => d.field)).toContain(field);
  if (message) expect(details.find((d) => d.field === field)?.messages.join(' ')).toMatch(message);
}

/** A store (a Boutique in EUR on the zpub unless `fields` says otherwise); its JSON as created. */
export async function createStore(
  t: TestApp,
  key: string,
  fields: object = {},
): Promise<{ id: string; callbackSecret: string }> {
  const res = await t
    .http()
    .post('/api/v1/checkout/stores')
    .set(bearer(key))
    .send({ name: 'Boutique', currency: 'EUR', derivationScheme: ZPUB, ...fields })
    .expect(201);
  return res.body as { id: string; callbackSecret: string };
}

/** Seed 003's invoice creation, unchecked: the caller says what it expects. */
export const postInvoice = (t: TestApp, storeId: string, auth: Record<string, string>, body: object) =>
  t.http().post(`/api/v1/checkout/stores/${storeId}/invoices`).set(auth).send(body);

/** The objects of the callbacks the store received about one invoice, in order. */
export function callbacksOf(receiver: Receiver, invoiceId: string): Record<string, unknown>[] {
  return receiver.received
    .map((r) => JSON.parse(r.body) as Record<string, unknown>)
    .filter((o) => o.id === invoiceId);
}

/** The merchant's site the customer is sent back to: a real server on loopback. */
export async function startStoreSite(): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Store</title><h1>Back at the store</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

// jsQR is CommonJS (module.exports = the function); its typings say `export default`.
type JsQr = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
export const jsQR = createRequire(import.meta.url)('jsqr') as JsQr;
