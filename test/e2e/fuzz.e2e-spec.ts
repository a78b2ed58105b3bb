import { createHash, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { PDF, PNG } from '../fixtures/files.js';
import { SEED_002_EXAMPLE } from '../fixtures/receipts.js';
import { bearer, createAccount, statement, STATEMENTS } from '../support/bank.js';
import {
  createOrganization,
  createTestApp,
  drainJobs,
  TEST_ADMIN_KEY,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';

/**
 * A schema-driven fuzz of every operation the app itself publishes in /openapi.json: whatever the input
 * (wrong types, huge numbers, nulls, nesting, invalid Unicode, odd content types, malformed ids), no
 * answer is a 5xx. A new route is fuzzed without touching this file, once its path parameters have a
 * fixture below.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
  required?: string[];
};
type Parameter = { name: string; in: string; schema?: Schema };
type Operation = {
  method: string;
  path: string;
  parameters: Parameter[];
  json?: Schema;
  multipart?: Schema;
  /** Seed 000's routes: every error is HTTP 200 `{success: false, message}` (x-errors-as-200). */
  errorsAs200?: boolean;
};

/** What no answer may show: a stack frame, a module path, SQL or a driver's error. */
const LEAK = /node_modules|\bat \S+ \(|\.[jt]s:\d+|QueryFailedError|\bSELECT\b|\bINSERT INTO\b|\brelation "/;

/** The payloads, verbatim. */
const DEEP = `{"name":${'['.repeat(3000)}${']'.repeat(3000)}}`;
const SURROGATE_ESCAPE = '\\ud800';

const MALFORMED_IDS = [
  'abc',
  '0',
  '-1',
  '1.5',
  '1e3',
  '99999999999999999999',
  '2147483648',
  '%FF',
  '%ED%A0%80',
  '%00',
  '%20',
  '%2F..%2F',
  'x'.repeat(300),
  randomUUID(),
  '00000000-0000-0000-0000-000000000000',
  'null',
  '[]',
  '{}',
];

const ODD_QUERY_VALUES = [
  '%FF',
  '%ED%A0%80',
  '%00',
  '',
  '-1',
  '0',
  '1e308',
  '99999999999999999999',
  'null',
  '[]',
  'x'.repeat(3000),
  '2024-02-30',
  '0000-01-01',
];

/** Headers the app reads itself, with values no client should send (Latin-1 is all HTTP allows). */
const ODD_HEADERS: Record<string, string>[] = [
  { 'Idempotency-Key': 'k'.repeat(4000) },
  { 'Idempotency-Key': '\u00ff\u00fe\u00e9' },
  { 'Idempotency-Key': ' ' },
  { 'X-Request-Id': '\u00ff'.repeat(200) },
  { Authorization: `Bearer ${'a'.repeat(5000)}` },
  { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
  { Authorization: 'Bearer eyJ\u00ff.eyJ.sig' },
  { Authorization: 'Basic dXNlcjpwYXNz' },
];

/** Loopback (allowed for this app), on the discard port nothing listens on here: deliveries fail fast. */
const WEBHOOK_URL = 'http://127.0.0.1:9/hooks';
const CHECKOUT_KEY =
  'upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY';

/** Values put in place of one field of an otherwise valid JSON body, as raw JSON text. */
const ODD_VALUES = [
  'null',
  '"abc"',
  '""',
  '"   "',
  '12345',
  '-1',
  '0',
  '1.5',
  '1e308',
  '-1e308',
  '1e400',
  '123456789012345678901234567890',
  '1e-400',
  'true',
  '{}',
  '[]',
  '[1, "a", null]',
  '{"$gt": ""}',
  JSON.stringify('9'.repeat(1000)),
  JSON.stringify('x'.repeat(100_000)),
  JSON.stringify('a\u0000b'),
  '"NaN"',
  '"Infinity"',
  '"-0"',
  '"2024-02-30"',
  '"0000-01-01"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  `${'['.repeat(40)}${']'.repeat(40)}`,
];

const WRONG_CONTENT = [
  ['text/plain', '{"a": 1}'],
  ['application/xml', '<a>1</a>'],
  ['application/x-www-form-urlencoded', 'name=%FF&a=1'],
  ['application/x-www-form-urlencoded', 'name=caf%C3%A9&name=x&a[b]=1'],
  ['multipart/form-data', 'no boundary here'],
  ['multipart/form-data; boundary=zzz', '--zzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'],
  ['application/json; charset=latin1', '{"a": 1}'],
  ['application/json; charset=utf-16', '{"a": 1}'],
  ['application/json; charset=nope', '{"a": 1}'],
  ['application/octet-stream', '\u0000\u0001'],
] as const;

describe('fuzz: no input answers 5xx', () => {
  let t: TestApp;
  let org: TestOrganization;
  let operations: Operation[];
  let schemas: Record<string, Schema>;
  let ids: Record<string, string>;
  /** Operations the organization key may not call (platform admin) are sent with the admin key. */
  const keyFor = new Map<string, string>();
  const failures: string[] = [];
  /** Operations whose valid request (fixtures' ids, the schema's examples) succeeded. */
  const accepted: string[] = [];
  let sent = 0;

  beforeAll(async () => {
    // Webhook URLs point at a closed loopback port: nothing is sent beyond this machine.
    t = await createTestApp({
      AUTH_FAILURE_LIMIT: '100000',
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.0/8',
      RATE_SOURCES: 'fixed',
      FIXED_RATES: 'BTC_EUR=21885.605,EUR_USD=1.18',
    });
    org = await createOrganization(t);
    const spec = (await t.http().get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, OpenApiOperation>>;
      components: { schemas: Record<string, Schema> };
    };
    schemas = spec.components.schemas;
    operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => toOperation(method, path, op)),
    );
    // Destructive operations last, so that the others still find their rows.
    operations.sort((a, b) => destructive(a) - destructive(b));
    ids = await createFixtures();
    for (const op of operations.filter((o) => !destructive(o))) {
      const res = await call(op, org.key, { body: op.json ? JSON.stringify(validBody(op.json)) : undefined });
      keyFor.set(key(op), res.status === 403 ? TEST_ADMIN_KEY : org.key);
      if (res.status < 300) accepted.push(key(op));
    }
  }, 60_000);
  afterAll(() => t?.close());

  const key = (op: Operation) => `${op.method.toUpperCase()} ${op.path}`;
  const destructive = (op: Operation) => (op.method === 'delete' || op.path.endsWith('/cancel') ? 1 : 0);

  async function createFixtures(): Promise<Record<string, string>> {
    const auth = bearer(org.key);
    // The receipt is affected, so its TTC cannot change: it carries the schema's example TTC, the one
    // the valid PATCH body sends, and the bank line the opposite amount.
    const ttc = String(resolve(schemas.ReceiptWriteDto).properties?.amount_with_vat.example);
    const receipt = await t
      .http()
      .post('/invoice')
      .set(auth)
      .field({ ...SEED_002_EXAMPLE, amount_with_vat: ttc })
      .attach('receipt', PNG, { filename: 'ticket.png', contentType: 'image/png' })
      .expect(201);
    const account = await createAccount(t, org);
    const operation = await t
      .http()
      .post('/api/v1/bank-operations')
      .set(auth)
      .send({ bankAccountId: account.id, date: '2021-06-18', label: 'CB ACHAT', amount: `-${ttc}` })
      .expect(201);
    const affectation = await t
      .http()
      .post('/api/v1/affectations')
      .set(auth)
      .send({ receiptId: receipt.body.id, bankOperationId: operation.body.id })
      .expect(201);
    const payment = await t
      .http()
      .post('/api/v1/payment-requests')
      .set(auth)
      .send({ amount: '120.00', currency: 'EUR' })
      .expect(201);
    // Seed 004's routes get a request of their own with a charge: the one above stays unpaid to be PATCHed.
    const charged = await t
      .http()
      .post('/api/v1/payment-requests')
      .set(auth)
      .send({ amount: '50.00', currency: 'EUR' })
      .expect(201);
    const charge = await t
      .http()
      .post(`/api/v1/invoices/${charged.body.id}/charges`)
      .set(auth)
      .send({ amount: '10.00', chargeType: 'cash' })
      .expect(201);
    const upload = await t
      .http()
      .post('/api/v1/invoice-uploads/presign')
      .set(auth)
      .send({ filename: 'facture.pdf', mimeType: 'application/pdf', size: PDF.length })
      .expect(200);
    // Uploaded but not confirmed: the fuzz's own valid confirm does that, and the attach routes follow.
    const target = new URL(upload.body.url as string);
    await t
      .http()
      .put(`${target.pathname}${target.search}`)
      .set('Content-Type', 'application/pdf')
      .send(PDF)
      .expect(200);
    const apiKey = await t
      .http()
      .post('/api/v1/api-keys')
      .set(auth)
      .send({ name: 'to revoke', scopes: ['receipts:read'] })
      .expect(201);
    // The BIP49 testnet account: the fuzz's own valid store body takes the schema's example key (a zpub).
    const store = await t
      .http()
      .post('/api/v1/checkout/stores')
      .set(auth)
      .send({ name: 'Fuzz', currency: 'EUR', derivationScheme: CHECKOUT_KEY })
      .expect(201);
    const checkoutInvoice = await t
      .http()
      .post(`/api/v1/checkout/stores/${store.body.id}/invoices`)
      .set(auth)
      .send({ amount: '10.00' })
      .expect(201);
    const webhook = await t.http().post('/api/v1/webhooks').set(auth).send({ url: WEBHOOK_URL }).expect(201);
    await t.http().post(`/api/v1/webhooks/${webhook.body.id}/test`).set(auth).expect(202);
    await drainJobs(t);
    const deliveries = await t
      .http()
      .get(`/api/v1/webhooks/${webhook.body.id}/deliveries`)
      .set(auth)
      .expect(200);
    return {
      webhook: webhook.body.id,
      delivery: deliveries.body.data[0].id,
      receipt: String(receipt.body.id),
      file: String(receipt.body.receipt_path).split('/').pop() ?? '',
      account: account.id,
      operation: operation.body.id,
      affectation: String(affectation.body.id),
      payment: payment.body.id,
      invoice: charged.body.id,
      charge: charge.body.charges[0].id,
      upload: upload.body.uploadId,
      apiKey: apiKey.body.id,
      store: store.body.id,
      checkoutInvoice: checkoutInvoice.body.id,
      sha256: createHash('sha256').update(PDF).digest('hex'),
    };
  }

  /** The row a path parameter names: by its own name, else by the collection it follows. */
  function validId(op: Operation, param: string): string {
    const byName: Record<string, string> = {
      uploadId: 'upload',
      paymentRequestId: 'payment',
      invoiceId: 'invoice',
      file: 'file',
    };
    const segments = op.path.split('/');
    const before = segments[segments.indexOf(`{${param}}`) - 1];
    const byCollection: Record<string, string> = {
      'api-keys': 'apiKey',
      invoice: 'receipt',
      'payment-requests': 'payment',
      invoices: 'invoice',
      charges: 'charge',
      v1: 'payment', // /api/v1/{id}/invoice/…: seed 004's payment-request invoice
      'bank-accounts': 'account',
      'bank-operations': 'operation',
      affectations: 'affectation',
      webhooks: 'webhook',
      deliveries: 'delivery',
      // A store's callbacks are deliveries too (a webhook's delivery id there answers 404: not the store's).
      callbacks: 'delivery',
      stores: 'store',
    };
    // Seed 003's invoices live under their store.
    if (op.path.startsWith('/api/v1/checkout/') && param === 'invoiceId') return ids.checkoutInvoice;
    const fixture = byName[param] ?? byCollection[before];
    if (!fixture) throw new Error(`No fixture for {${param}} in ${op.path}: add one to validId`);
    return ids[fixture];
  }

  function url(op: Operation, override: Record<string, string> = {}, query = ''): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => override[name] ?? validId(op, name));
    return query ? `${path}?${query}` : path;
  }

  /** A body the schema accepts, from its examples and the fixtures (ids, hashes). */
  function validBody(schema: Schema): unknown {
    const s = resolve(schema);
    if (s.oneOf) return validBody(s.oneOf[s.oneOf.length - 1]);
    if (s.type === 'object' || s.properties) {
      const body: Record<string, unknown> = {};
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const value = fieldValue(name, resolve(prop));
        if (value !== undefined) body[name] = value;
      }
      return body;
    }
    return fieldValue('', s);
  }

  function fieldValue(name: string, s: Schema): unknown {
    const fixture: Record<string, string> = {
      bankAccountId: ids.account,
      bankOperationId: ids.operation,
      receiptId: ids.receipt,
      sha256: ids.sha256,
      // The schema's example is a public host: resolving it would leave this machine.
      url: WEBHOOK_URL,
      callbackUrl: WEBHOOK_URL,
    };
    if (fixture[name]) return name === 'receiptId' ? Number(fixture[name]) : fixture[name];
    // Optional links to rows of their own (an upload to attach): left out of the valid body.
    if (s.format === 'binary' || name.endsWith('_upload_id')) return undefined;
    if (/email/i.test(name)) return 'client@example.fr';
    if (s.example !== undefined) return s.example;
    if (s.enum) return s.enum[0];
    if (s.default !== undefined) return s.default;
    if (s.format === 'date') return '2021-06-18';
    if (s.format === 'date-time') return '2021-06-18T10:00:00.000Z';
    if (s.format === 'uuid') return randomUUID();
    if (s.type === 'array') return [fieldValue(name, resolve(s.items ?? {}))];
    if (s.type === 'integer' || s.type === 'number') return 1;
    if (s.type === 'boolean') return false;
    if (s.type === 'object') return validBody(s);
    return `${name || 'value'} 1`;
  }

  function resolve(s: Schema): Schema {
    return s.$ref ? resolve(schemas[s.$ref.split('/').pop() ?? '']) : s;
  }

  function propertiesOf(schema: Schema): [string, Schema][] {
    const s = resolve(schema);
    const target = s.oneOf ? resolve(s.oneOf[s.oneOf.length - 1]) : s;
    return Object.entries(target.properties ?? {}).map(([n, p]) => [n, resolve(p)]);
  }

  async function call(
    op: Operation,
    credential: string | undefined,
    options: {
      params?: Record<string, string>;
      query?: string;
      body?: string | Buffer;
      contentType?: string;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Response> {
    const req = t.http()[op.method as 'get'](url(op, options.params, options.query));
    if (credential) req.set(bearer(credential));
    if (options.headers) req.set(options.headers);
    if (options.body !== undefined) {
      // Sent as given: superagent would serialize a Buffer declared as JSON into `{"type":"Buffer"…}`.
      req
        .set('Content-Type', options.contentType ?? 'application/json')
        .serialize((b: unknown) => b as string)
        .send(options.body);
    }
    const res = await req;
    sent += 1;
    if (LEAK.test(res.text ?? '')) {
      failures.push(`${key(op)} leaks internals: ${res.text.slice(0, 200)}`);
    }
    if (res.status >= 500) {
      const what = typeof options.body === 'string' ? options.body.slice(0, 80) : options.contentType;
      failures.push(
        `${key(op)} ${JSON.stringify(options.params ?? {})} ?${options.query ?? ''} ${what} → ${res.status}`,
      );
    }
    return res;
  }

  const credentialOf = (op: Operation) => keyFor.get(key(op)) ?? org.key;

  /** Runs `jobs` a few at a time: enough to finish in seconds, not enough to drown a shared CI box. */
  async function inBatches(jobs: (() => Promise<unknown>)[], size = 4): Promise<void> {
    for (let i = 0; i < jobs.length; i += size) await Promise.all(jobs.slice(i, i + size).map((j) => j()));
  }

  /**
   * Seed 002's flat French map naming `field`, the envelope's 422 naming it in `details`, or seed 000's
   * HTTP 200 `{success: false, message}`.
   */
  function expectFieldRefused(op: Operation, res: Response, field: string): void {
    if (op.errorsAs200) {
      expect({ op: key(op), status: res.status }).toEqual({ op: key(op), status: 200 });
      expect(res.body).toEqual({ success: false, message: expect.stringMatching(/\p{L}/u) });
      return;
    }
    expect({ op: key(op), status: res.status }).toEqual({ op: key(op), status: 422 });
    if (op.path.startsWith('/invoice')) {
      expect(res.body).toEqual({ [field]: expect.stringMatching(/\p{L}/u) });
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    } else {
      expect(res.body).toMatchObject({
        statusCode: 422,
        code: 'VALIDATION_FAILED',
        details: [{ field, messages: [expect.any(String)] }],
        requestId: res.headers['x-request-id'],
      });
    }
  }

  const jsonOperations = () => operations.filter((op) => op.json);

  it('publishes the JSON routes the issue found and starts from requests they accept (a guard against fuzzing nothing)', () => {
    // Each mutation changes one thing of a request that works, so that it reaches the code behind validation.
    expect(accepted).toEqual(
      expect.arrayContaining([
        'POST /invoice',
        'PATCH /invoice/{id}',
        'POST /api/v1/payment-requests',
        'PATCH /api/v1/payment-requests/{id}',
        'POST /api/v1/invoice-uploads/{uploadId}/confirm',
        'POST /api/v1/bank-operations',
        'POST /api/v1/affectations/auto-match',
      ]),
    );
    expect(accepted.length).toBeGreaterThanOrEqual(25);
    expect(jsonOperations().length).toBeGreaterThanOrEqual(11);
    expect(operations.map(key)).toEqual(
      expect.arrayContaining(['POST /invoice', 'POST /api/v1/payment-requests', 'PATCH /invoice/{id}']),
    );
  });

  it("refuses the issue's 6 KB nested payload on every JSON route, in the route's own shape", async () => {
    for (const op of jsonOperations()) {
      expectFieldRefused(op, await call(op, credentialOf(op), { body: DEEP }), 'name');
    }
  });

  it('refuses a lone surrogate in every string field of every JSON body, naming the field', async () => {
    let checked = 0;
    for (const op of jsonOperations()) {
      const base = validBody(op.json as Schema) as Record<string, unknown>;
      for (const [name, prop] of propertiesOf(op.json as Schema)) {
        if (prop.type !== 'string' && prop.type !== undefined && prop.type !== 'object') continue;
        const body = JSON.stringify({ ...base, [name]: 'x' }).replace(
          `"${name}":"x"`,
          `"${name}":"a${SURROGATE_ESCAPE}b"`,
        );
        expectFieldRefused(op, await call(op, credentialOf(op), { body }), name);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('refuses raw bytes that are not UTF-8 in a JSON body, and JSON in another charset', async () => {
    for (const op of jsonOperations()) {
      const [name] = propertiesOf(op.json as Schema).find(([, p]) => p.type === 'string') ?? ['body'];
      const base = validBody(op.json as Schema) as Record<string, unknown>;
      const [before, after] = JSON.stringify({ ...base, [name]: 'X' }).split(`"${name}":"X"`);
      const body = Buffer.concat([
        Buffer.from(`${before}"${name}":"caf`),
        Buffer.from([0xe9]), // é in Latin-1: not UTF-8
        Buffer.from(`"${after}`),
      ]);
      expectFieldRefused(op, await call(op, credentialOf(op), { body }), name);
      const latin = await call(op, credentialOf(op), {
        body: JSON.stringify(base),
        contentType: 'application/json; charset=utf-16',
      });
      const refusal = op.errorsAs200 ? 200 : 415;
      expect({ op: key(op), status: latin.status }).toEqual({ op: key(op), status: refusal });
      if (op.errorsAs200)
        expect(latin.body).toEqual({ success: false, message: 'Send JSON encoded as UTF-8.' });
    }
  });

  it('answers every odd value of every field of every JSON body below 500', async () => {
    const jobs = jsonOperations().flatMap((op) => {
      const base = validBody(op.json as Schema) as Record<string, unknown>;
      return propertiesOf(op.json as Schema).flatMap(([name]) =>
        ODD_VALUES.map((raw) => () => {
          const body = JSON.stringify({ ...base, [name]: '\u0001' }).replace(
            `"${name}":"\\u0001"`,
            `"${name}":${raw}`,
          );
          return call(op, credentialOf(op), { body });
        }),
      );
    });
    await inBatches(jobs);
    expect(failures).toEqual([]);
    expect(jobs.length).toBeGreaterThan(500);
  }, 300_000);

  it('answers odd whole bodies and content types on every operation below 500', async () => {
    const bodies = [
      DEEP,
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      '{}',
      '[]',
      'null',
      '"x"',
      '42',
      'true',
      '',
      '{"a":',
      '{',
      '\uFEFF{}',
      '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}',
    ];
    const jobs = operations.flatMap((op) => {
      const extra = op.json ? [JSON.stringify({ ...(validBody(op.json) as object), extra: 'x', id: 1 })] : [];
      return [
        ...[...bodies, ...extra].map((body) => () => call(op, credentialOf(op), { body })),
        ...WRONG_CONTENT.map(
          ([contentType, body]) =>
            () =>
              call(op, credentialOf(op), { body, contentType }),
        ),
        () => call(op, credentialOf(op)),
        ...ODD_HEADERS.map((headers) => () => {
          const body = op.json ? JSON.stringify(validBody(op.json)) : undefined;
          return call(op, credentialOf(op), { body, headers });
        }),
        () => call(op, undefined, { body: DEEP }),
        () => call(op, 'pk_wrong', { body: '{"a":' }),
      ];
    });
    await inBatches(jobs);
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers malformed and foreign path parameters below 500', async () => {
    const jobs = operations.flatMap((op) =>
      op.parameters
        .filter((p) => p.in === 'path')
        .flatMap((p) =>
          MALFORMED_IDS.map((bad) => () => {
            const body = op.json ? JSON.stringify(validBody(op.json)) : undefined;
            return call(op, credentialOf(op), { params: { [p.name]: bad }, body });
          }),
        ),
    );
    await inBatches(jobs);
    expect(failures).toEqual([]);
    expect(jobs.length).toBeGreaterThan(200);
  }, 300_000);

  it('answers odd query values below 500, and refuses query text that is not UTF-8', async () => {
    const jobs = operations.flatMap((op) =>
      op.parameters
        .filter((p) => p.in === 'query')
        .flatMap((p) => [
          ...ODD_QUERY_VALUES.map((v) => () => call(op, credentialOf(op), { query: `${p.name}=${v}` })),
          () => call(op, credentialOf(op), { query: `${p.name}=a&${p.name}=b` }),
          () => call(op, credentialOf(op), { query: `${p.name}[x]=1` }),
        ]),
    );
    await inBatches(jobs);
    expect(failures).toEqual([]);
    expect(jobs.length).toBeGreaterThan(100);

    for (const op of operations.filter(
      (o) => o.method === 'get' && o.parameters.some((p) => p.in === 'query'),
    )) {
      const name = op.parameters.find((p) => p.in === 'query')?.name ?? '';
      for (const bad of ['%FF', '%ED%A0%80', 'caf%E9']) {
        expectFieldRefused(op, await call(op, credentialOf(op), { query: `${name}=${bad}` }), name);
      }
    }
  }, 300_000);

  it('refuses multipart text fields that are not UTF-8, and answers broken multipart below 500', async () => {
    const multipart = operations.filter((op) => op.multipart);
    expect(multipart.length).toBeGreaterThanOrEqual(3);
    for (const op of multipart) {
      const fields = propertiesOf(op.multipart as Schema).filter(([, p]) => p.format !== 'binary');
      for (const [name] of fields) {
        const boundary = 'fuzzboundary';
        const body = Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\ncaf`),
          Buffer.from([0xe9, 0xed, 0xa0, 0x80]),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]);
        const res = await call(op, credentialOf(op), {
          body,
          contentType: `multipart/form-data; boundary=${boundary}`,
        });
        expectFieldRefused(op, res, name);
      }
      for (const body of [
        '--b\r\nContent-Disposition: form-data; name="label"\r\n\r\nx',
        '--b\r\n\r\n\r\n--b--',
        `--b\r\nContent-Disposition: form-data; name="${'n'.repeat(5000)}"\r\n\r\nx\r\n--b--\r\n`,
      ]) {
        await call(op, credentialOf(op), { body, contentType: 'multipart/form-data; boundary=b' });
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('answers odd multipart field values, with a valid file, below 500', async () => {
    const files: Record<string, { field: string; content: Buffer; name: string; type: string }> = {
      receipt: { field: 'receipt', content: PNG, name: 'ticket.png', type: 'image/png' },
      file: { field: 'file', content: statement(STATEMENTS.frenchCsv), name: 'releve.csv', type: 'text/csv' },
    };
    const ODD_FIELD_VALUES = [
      '',
      ' ',
      '0',
      '-1',
      '99999999999999999999',
      '1e308',
      'null',
      '[]',
      'a\u0000b',
      'x'.repeat(60_000),
    ];
    const jobs = operations
      .filter((op) => op.multipart)
      .flatMap((op) => {
        const props = propertiesOf(op.multipart as Schema);
        const file = files[props.find(([, p]) => p.format === 'binary')?.[0] ?? ''];
        const base = Object.fromEntries(
          props
            .filter(([, p]) => p.format !== 'binary')
            .map(([name, p]) => [name, fieldValue(name, p)])
            .filter(([, v]) => v !== undefined)
            .map(([name, v]) => [name, String(v)]),
        ) as Record<string, string>;
        return props
          .filter(([, p]) => p.format !== 'binary')
          .flatMap(([name]) =>
            ODD_FIELD_VALUES.map((value) => async () => {
              const http = t.http();
              const req = http[op.method as 'post'](url(op)).set(bearer(credentialOf(op)));
              for (const [k, v] of Object.entries({ ...base, [name]: value })) req.field(k, v);
              if (file) req.attach(file.field, file.content, { filename: file.name, contentType: file.type });
              const res = await req;
              sent += 1;
              if (res.status >= 500)
                failures.push(`${key(op)} multipart ${name}=${value.slice(0, 40)} → ${res.status}`);
            }),
          );
      });
    await inBatches(jobs);
    expect(failures).toEqual([]);
    expect(jobs.length).toBeGreaterThan(100);
  }, 300_000);

  it('sent what it meant to', () => {
    expect(sent).toBeGreaterThan(1000);
  });
});

type OpenApiOperation = {
  'x-errors-as-200'?: boolean;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

function toOperation(method: string, path: string, op: OpenApiOperation): Operation {
  const content = op.requestBody?.content ?? {};
  return {
    method,
    path,
    parameters: op.parameters ?? [],
    json: content['application/json']?.schema,
    multipart: content['multipart/form-data']?.schema,
    errorsAs200: op['x-errors-as-200'] === true,
  };
}
