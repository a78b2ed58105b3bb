import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { SCOPES } from '../../src/common/auth/scopes.js';
import { PNG } from '../fixtures/files.js';
import { b64url, OIDC_AUDIENCE, startIssuer, unusedPort, type TestIssuer } from '../support/oidc-issuer.js';
import {
  createOrganization,
  createTestApp,
  TEST_ADMIN_KEY,
  type TestApp,
  type TestOrganization,
} from '../test-app.js';
import { SEED_002_EXAMPLE as SEED_EXAMPLE } from '../fixtures/receipts.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Every suite counts its own failures; most of them must never be blocked by the failure limiter. */
const NO_LIMIT = { AUTH_FAILURE_LIMIT: '100000' };

const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** The error envelope of every non-seed surface, with this exact code. */
function expectError(res: Response, statusCode: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status: statusCode, code });
  expect(res.body).toMatchObject({
    statusCode,
    code,
    message: expect.any(String),
    requestId: res.headers['x-request-id'],
  });
}

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function createKey(t: TestApp, creatorKey: string, body: Record<string, unknown>) {
  return t.http().post('/api/v1/api-keys').set(bearer(creatorKey)).send(body);
}

describe('auth: API keys, organizations, tenancy', () => {
  let t: TestApp;
  let org: TestOrganization;

  beforeAll(async () => {
    t = await createTestApp(NO_LIMIT);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  describe('credentials', () => {
    it('answers 401 AUTH_REQUIRED with WWW-Authenticate when no Authorization is sent', async () => {
      const res = await t.http().get('/invoice').expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        code: 'AUTH_REQUIRED',
        message: expect.any(String),
        requestId: res.headers['x-request-id'],
      });
      expect(res.body.requestId).toEqual(expect.any(String));
      expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
    });

    it('refuses a wrong key with 401 INVALID_CREDENTIALS', async () => {
      for (const key of [`pk_${randomBytes(32).toString('base64url')}`, 'nope', 'x'.repeat(500)]) {
        const res = await t.http().get('/invoice').set(bearer(key));
        expectError(res, 401, 'INVALID_CREDENTIALS');
        expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
      }
    });

    it('refuses the Basic scheme and other schemes with 401 UNSUPPORTED_AUTH_SCHEME', async () => {
      const basic = Buffer.from(`user:${org.key}`).toString('base64');
      for (const header of [`Basic ${basic}`, `Digest ${org.key}`, `ApiKey ${org.key}`]) {
        const res = await t.http().get('/invoice').set('Authorization', header);
        expectError(res, 401, 'UNSUPPORTED_AUTH_SCHEME');
      }
    });

    it('accepts a key as `Bearer <key>` and as `Token <key>`', async () => {
      const viaBearer = await t.http().get('/invoice').set('Authorization', `Bearer ${org.key}`).expect(200);
      expect(viaBearer.body).toEqual({ data: [], has_more: false, next_cursor: null });
      await t.http().get('/invoice').set('Authorization', `Token ${org.key}`).expect(200);
    });
  });

  describe('POST /api/v1/organizations', () => {
    it('lets the platform admin create an organization with a first admin key holding every scope', async () => {
      const res = await t
        .http()
        .post('/api/v1/organizations')
        .set(bearer(TEST_ADMIN_KEY))
        .send({ name: 'Boulangerie Dupont SARL' })
        .expect(201);
      expect(res.body).toEqual({
        organization: {
          id: expect.stringMatching(UUID),
          name: 'Boulangerie Dupont SARL',
          createdAt: expect.stringMatching(ISO_UTC),
        },
        apiKey: {
          id: expect.stringMatching(UUID),
          name: expect.any(String),
          prefix: expect.any(String),
          scopes: expect.any(Array),
          createdAt: expect.stringMatching(ISO_UTC),
          lastUsedAt: null,
          expiresAt: null,
          key: expect.any(String),
        },
      });
      const { apiKey } = res.body;
      expect([...apiKey.scopes].sort()).toEqual([...SCOPES].sort());
      expect(apiKey.key.startsWith(apiKey.prefix)).toBe(true);
      expect(apiKey.key.length).toBeGreaterThan(apiKey.prefix.length + 20);
      await t.http().get('/invoice').set(bearer(apiKey.key)).expect(200);
    });

    it("refuses an organization's admin key with 403 PLATFORM_ADMIN_REQUIRED", async () => {
      const res = await t
        .http()
        .post('/api/v1/organizations')
        .set(bearer(org.key))
        .send({ name: 'Sneaky SAS' });
      expectError(res, 403, 'PLATFORM_ADMIN_REQUIRED');
    });

    it.each([
      ['a missing name', {}],
      ['a name of 201 characters', { name: 'x'.repeat(201) }],
      ['a name that is a number', { name: 42 }],
      ['an empty name', { name: '' }],
    ])('refuses %s with 422 VALIDATION_FAILED and details', async (_what, body) => {
      const res = await t.http().post('/api/v1/organizations').set(bearer(TEST_ADMIN_KEY)).send(body);
      expectError(res, 422, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'name', messages: expect.any(Array) })]),
      );
    });

    // BUG: names are validated before they are trimmed (Length(1, …) on the raw string, then
    // `body.name.trim()` in AuthController), so a name of only spaces passes and is stored as ''.
    it('refuses a name of only spaces, for an organization and for an API key (422)', async () => {
      const orgRes = await t
        .http()
        .post('/api/v1/organizations')
        .set(bearer(TEST_ADMIN_KEY))
        .send({ name: '   ' });
      expectError(orgRes, 422, 'VALIDATION_FAILED');
      const keyRes = await createKey(t, org.key, { name: '   ', scopes: ['receipts:read'] });
      expectError(keyRes, 422, 'VALIDATION_FAILED');
    });

    it('accepts a name of exactly 200 characters', async () => {
      const res = await t
        .http()
        .post('/api/v1/organizations')
        .set(bearer(TEST_ADMIN_KEY))
        .send({ name: 'n'.repeat(200) })
        .expect(201);
      expect(res.body.organization.name).toBe('n'.repeat(200));
    });

    // BUG: AuthGuard checks @RequireScopes before OrganizationId() runs, and a platform-admin key only has
    // ['admin'], so GET /invoice with it answers 403 INSUFFICIENT_SCOPE ("Missing scope: receipts:read")
    // instead of ORGANIZATION_REQUIRED (which /api/v1/api-keys, needing only `admin`, does give).
    it('refuses a platform admin on organization data with 403 ORGANIZATION_REQUIRED', async () => {
      const res = await t.http().get('/invoice').set(bearer(TEST_ADMIN_KEY));
      expectError(res, 403, 'ORGANIZATION_REQUIRED');
    });

    it("refuses a platform admin on an organization's API keys with 403 ORGANIZATION_REQUIRED", async () => {
      const list = await t.http().get('/api/v1/api-keys').set(bearer(TEST_ADMIN_KEY));
      expectError(list, 403, 'ORGANIZATION_REQUIRED');
      const create = await createKey(t, TEST_ADMIN_KEY, { name: 'x', scopes: ['admin'] });
      expectError(create, 403, 'ORGANIZATION_REQUIRED');
    });

    it('never lets a platform admin read receipts', async () => {
      const res = await t.http().get('/invoice').set(bearer(TEST_ADMIN_KEY));
      expect(res.status).toBe(403);
    });
  });

  describe('/api/v1/api-keys', () => {
    it('creates a key with a subset of scopes, shows the key once, and the key works', async () => {
      const res = await createKey(t, org.key, {
        name: '  uploader script ',
        scopes: ['receipts:read', 'receipts:write'],
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        name: 'uploader script',
        prefix: expect.any(String),
        scopes: ['receipts:read', 'receipts:write'],
        createdAt: expect.stringMatching(ISO_UTC),
        lastUsedAt: null,
        expiresAt: null,
        key: expect.any(String),
      });
      expect(res.body.key.startsWith(res.body.prefix)).toBe(true);
      await t.http().post('/invoice').set(bearer(res.body.key)).send(SEED_EXAMPLE).expect(201);
      const denied = await t.http().get('/api/v1/api-keys').set(bearer(res.body.key));
      expectError(denied, 403, 'INSUFFICIENT_SCOPE');
    });

    it('lists keys with their prefix and never their secret or its hash', async () => {
      const created = await createKey(t, org.key, { name: 'reader', scopes: ['receipts:read'] }).expect(201);
      const secrets = [org.key, created.body.key as string];
      const res = await t.http().get('/api/v1/api-keys').set(bearer(org.key)).expect(200);

      expect(Object.keys(res.body)).toEqual(['data']);
      expect(res.body.data).toHaveLength(2);
      for (const item of res.body.data) {
        expect(Object.keys(item).sort()).toEqual(
          ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'prefix', 'scopes'].sort(),
        );
      }
      const reader = res.body.data.find((k: { id: string }) => k.id === created.body.id);
      expect(reader).toMatchObject({
        name: 'reader',
        prefix: created.body.prefix,
        scopes: ['receipts:read'],
      });

      const strings = stringsIn(res.body);
      for (const secret of secrets) {
        const hash = createHash('sha256').update(secret).digest('hex');
        // The prefix is shown on purpose; nothing of what follows it may be.
        const hidden = secret.slice(reader.prefix.length, reader.prefix.length + 8);
        for (const s of strings) {
          expect(s).not.toContain(secret);
          expect(s.toLowerCase()).not.toContain(hash);
          expect(s).not.toContain(hidden);
        }
      }
      expect(JSON.stringify(res.body)).not.toMatch(/"(key|secret|secretHash|secret_hash|hash)"/);
    });

    it('refuses a key without `admin` to list, create or revoke keys (403 INSUFFICIENT_SCOPE)', async () => {
      const created = await createKey(t, org.key, {
        name: 'no admin',
        scopes: ['receipts:read', 'receipts:write', 'bank:read'],
      }).expect(201);
      const key = created.body.key as string;
      expectError(await t.http().get('/api/v1/api-keys').set(bearer(key)), 403, 'INSUFFICIENT_SCOPE');
      expectError(
        await createKey(t, key, { name: 'x', scopes: ['receipts:read'] }),
        403,
        'INSUFFICIENT_SCOPE',
      );
      expectError(
        await t.http().delete(`/api/v1/api-keys/${created.body.id}`).set(bearer(key)),
        403,
        'INSUFFICIENT_SCOPE',
      );
      await t.http().get('/invoice').set(bearer(key)).expect(200);
    });

    it('refuses to grant a scope the creator lacks (403 SCOPE_ESCALATION)', async () => {
      const limited = await createKey(t, org.key, {
        name: 'limited admin',
        scopes: ['admin', 'receipts:read'],
      }).expect(201);
      const escalate = await createKey(t, limited.body.key, {
        name: 'writer',
        scopes: ['receipts:read', 'receipts:write'],
      });
      expectError(escalate, 403, 'SCOPE_ESCALATION');
      expect(escalate.body.details).toEqual({ scopes: ['receipts:write'] });

      const before = await t.http().get('/api/v1/api-keys').set(bearer(org.key)).expect(200);
      expect(before.body.data.map((k: { name: string }) => k.name)).not.toContain('writer');
      await createKey(t, limited.body.key, { name: 'reader', scopes: ['receipts:read'] }).expect(201);
    });

    it.each([
      ['an unknown scope', { name: 'x', scopes: ['receipts:delete'] }, 'scopes'],
      ['no scope at all', { name: 'x', scopes: [] }, 'scopes'],
      ['scopes as a string', { name: 'x', scopes: 'admin' }, 'scopes'],
      ['a missing name', { scopes: ['receipts:read'] }, 'name'],
      ['an expiresAt that is not a date', { name: 'x', scopes: ['admin'], expiresAt: 'demain' }, 'expiresAt'],
    ])('refuses %s with 422 VALIDATION_FAILED', async (_what, body, field) => {
      const res = await createKey(t, org.key, body);
      expectError(res, 422, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    });

    it('a key whose expiresAt has passed is refused when used; one expiring later works', async () => {
      const expired = await createKey(t, org.key, {
        name: 'expired',
        scopes: ['receipts:read'],
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
      }).expect(201);
      expectError(await t.http().get('/invoice').set(bearer(expired.body.key)), 401, 'INVALID_CREDENTIALS');

      const later = new Date(Date.now() + 3_600_000).toISOString();
      const live = await createKey(t, org.key, {
        name: 'live',
        scopes: ['receipts:read'],
        expiresAt: later,
      }).expect(201);
      expect(live.body.expiresAt).toBe(later);
      await t.http().get('/invoice').set(bearer(live.body.key)).expect(200);
    });

    it('revokes a key with DELETE: 204, then it answers 401 at once and leaves the list', async () => {
      const created = await createKey(t, org.key, { name: 'temp', scopes: ['receipts:read'] }).expect(201);
      await t.http().get('/invoice').set(bearer(created.body.key)).expect(200);

      await t.http().delete(`/api/v1/api-keys/${created.body.id}`).set(bearer(org.key)).expect(204);
      expectError(await t.http().get('/invoice').set(bearer(created.body.key)), 401, 'INVALID_CREDENTIALS');
      expectError(
        await t.http().get('/invoice').set(`Authorization`, `Token ${created.body.key}`),
        401,
        'INVALID_CREDENTIALS',
      );
      const list = await t.http().get('/api/v1/api-keys').set(bearer(org.key)).expect(200);
      expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(created.body.id);
      const again = await t.http().delete(`/api/v1/api-keys/${created.body.id}`).set(bearer(org.key));
      expectError(again, 404, 'API_KEY_NOT_FOUND');
    });

    it("answers 404 API_KEY_NOT_FOUND for another organization's key, an unknown id and a malformed id", async () => {
      const other = await createOrganization(t, 'Other');
      const theirs = await createKey(t, other.key, { name: 'theirs', scopes: ['receipts:read'] }).expect(201);
      for (const id of [theirs.body.id, randomUUID(), 'not-a-uuid', '123', `${randomUUID()}x`]) {
        const res = await t.http().delete(`/api/v1/api-keys/${id}`).set(bearer(org.key));
        expectError(res, 404, 'API_KEY_NOT_FOUND');
      }
      await t.http().get('/invoice').set(bearer(theirs.body.key)).expect(200);
    });

    it('sets lastUsedAt once the key is used', async () => {
      const created = await createKey(t, org.key, { name: 'used', scopes: ['receipts:read'] }).expect(201);
      const find = async () => {
        const list = await t.http().get('/api/v1/api-keys').set(bearer(org.key)).expect(200);
        return list.body.data.find((k: { id: string }) => k.id === created.body.id);
      };
      expect((await find()).lastUsedAt).toBeNull();

      const before = Date.now();
      await t.http().get('/invoice').set(bearer(created.body.key)).expect(200);
      const { lastUsedAt } = await find();
      expect(lastUsedAt).toMatch(ISO_UTC);
      expect(Math.abs(Date.parse(lastUsedAt) - before)).toBeLessThan(10_000);
    });

    /** How many rows of `table` hold `secret` in clear, in any column. */
    async function rowsHolding(table: 'api_keys' | 'idempotency_keys', secret: string): Promise<number> {
      const rows: { count: string }[] = await t.app
        .get(DataSource)
        .query(`SELECT count(*) AS count FROM ${table} r WHERE strpos(r::text, $1) > 0`, [secret]);
      return Number(rows[0].count);
    }

    it('stores a key only as its hash', async () => {
      const created = await createKey(t, org.key, { name: 'stored', scopes: ['receipts:read'] }).expect(201);
      const secret = created.body.key as string;
      expect(await rowsHolding('api_keys', secret)).toBe(0);
      expect(await rowsHolding('api_keys', createHash('sha256').update(secret).digest('hex'))).toBe(1);
    });

    // BUG: IdempotencyInterceptor stores the whole first response in idempotency_keys.response_body for
    // 24 h, so with an Idempotency-Key the plaintext API key of POST /api/v1/api-keys and of
    // POST /api/v1/organizations sits in the database (and is replayed), though keys must be stored only
    // as a hash.
    it('keeps no plaintext key in the database when the create carries an Idempotency-Key', async () => {
      const created = await createKey(t, org.key, { name: 'idem', scopes: ['receipts:read'] })
        .set('Idempotency-Key', `idem-${randomUUID()}`)
        .expect(201);
      expect(await rowsHolding('api_keys', created.body.key)).toBe(0);
      expect(await rowsHolding('idempotency_keys', created.body.key)).toBe(0);

      const organization = await t
        .http()
        .post('/api/v1/organizations')
        .set(bearer(TEST_ADMIN_KEY))
        .set('Idempotency-Key', `idem-${randomUUID()}`)
        .send({ name: 'Idempotent SARL' })
        .expect(201);
      expect(await rowsHolding('idempotency_keys', organization.body.apiKey.key)).toBe(0);
    });
  });

  describe('tenancy', () => {
    it("never lets one organization reach another's receipts, files or API keys (404)", async () => {
      const a = org;
      const b = await createOrganization(t, 'Organization B');
      const receipt = await t
        .http()
        .post('/invoice')
        .set(bearer(a.key))
        .field(SEED_EXAMPLE)
        .attach('receipt', PNG, { filename: 'a.png', contentType: 'image/png' })
        .expect(201);
      const aKey = await createKey(t, a.key, { name: 'of A', scopes: ['receipts:read'] }).expect(201);
      const id = receipt.body.id as number;
      const write = { ...SEED_EXAMPLE, label: 'Modifié par B' };

      const attempts = [
        { what: `GET /invoice/${id}`, send: () => t.http().get(`/invoice/${id}`), code: 'RECEIPT_NOT_FOUND' },
        {
          what: `PUT /invoice/${id}`,
          send: () => t.http().put(`/invoice/${id}`).send(write),
          code: 'RECEIPT_NOT_FOUND',
        },
        {
          what: `PATCH /invoice/${id}`,
          send: () => t.http().patch(`/invoice/${id}`).send({ type: 'vente', operation_date: '2022-01-01' }),
          code: 'RECEIPT_NOT_FOUND',
        },
        {
          what: `DELETE /invoice/${id}`,
          send: () => t.http().delete(`/invoice/${id}`),
          code: 'RECEIPT_NOT_FOUND',
        },
        {
          what: `GET ${receipt.body.receipt_path}`,
          send: () => t.http().get(receipt.body.receipt_path),
          code: undefined,
        },
        {
          what: `DELETE /api/v1/api-keys/${aKey.body.id}`,
          send: () => t.http().delete(`/api/v1/api-keys/${aKey.body.id}`),
          code: 'API_KEY_NOT_FOUND',
        },
      ];
      for (const attempt of attempts) {
        const res = await attempt.send().set(bearer(b.key));
        expect({ what: attempt.what, status: res.status }).toEqual({ what: attempt.what, status: 404 });
        if (attempt.code) expectError(res, 404, attempt.code);
      }

      const listB = await t.http().get('/invoice').set(bearer(b.key)).expect(200);
      expect(listB.body.data).toEqual([]);
      const keysB = await t.http().get('/api/v1/api-keys').set(bearer(b.key)).expect(200);
      expect(keysB.body.data.map((k: { id: string }) => k.id)).not.toContain(aKey.body.id);

      // A's data is untouched.
      const still = await t.http().get(`/invoice/${id}`).set(bearer(a.key)).expect(200);
      // receipt_url is a fresh signed URL on each read; everything else must be as A left it.
      expect(still.body).toEqual({ ...receipt.body, receipt_url: expect.any(String) });
      await t.http().get(receipt.body.receipt_path).set(bearer(a.key)).expect(200);
      await t.http().get('/invoice').set(bearer(aKey.body.key)).expect(200);
    });
  });

  describe('deny by default', () => {
    it('answers 401 without credentials on every documented route except health and docs', async () => {
      const spec = await t.http().get('/openapi.json').expect(200);
      const paths = spec.body.paths as Record<
        string,
        Record<string, { tags?: string[]; security?: unknown[] }>
      >;
      const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;
      const called: string[] = [];
      const documentedPublic: string[] = [];

      for (const [path, operations] of Object.entries(paths)) {
        if (path === '/docs' || path.startsWith('/docs/')) continue;
        for (const method of methods) {
          const operation = operations[method];
          if (!operation || operation.tags?.includes('Health')) continue;
          // Documented as public (`security: []`): only seed 000's routes, checked below.
          if (Array.isArray(operation.security) && operation.security.length === 0) {
            documentedPublic.push(`${method.toUpperCase()} ${path}`);
            continue;
          }
          const concrete = path.replace(/\{(\w+)\}/g, (_m, name: string) =>
            path.startsWith('/invoice') && name === 'id' ? '1' : randomUUID(),
          );
          const res = await t.http()[method](concrete);
          expect({
            route: `${method.toUpperCase()} ${path}`,
            status: res.status,
            code: res.body.code,
          }).toEqual({
            route: `${method.toUpperCase()} ${path}`,
            status: 401,
            code: 'AUTH_REQUIRED',
          });
          called.push(`${method.toUpperCase()} ${path}`);
        }
      }
      // The spec really lists the routes: this test would prove nothing on an empty document.
      expect(called).toEqual(
        expect.arrayContaining([
          'POST /api/v1/organizations',
          'GET /api/v1/api-keys',
          'POST /api/v1/api-keys',
          'DELETE /api/v1/api-keys/{id}',
          'GET /invoice',
          'POST /invoice',
          'GET /invoice/{id}',
          'PUT /invoice/{id}',
          'PATCH /invoice/{id}',
          'DELETE /invoice/{id}',
        ]),
      );
      expect(called.some((route) => route.startsWith('GET /storage/'))).toBe(true);
      // The only operations documented without credentials: seed 000's, public by the seed.
      expect(documentedPublic.sort()).toEqual([
        'GET /getInvoice',
        'POST /checkUploadedFile',
        'POST /getSignedUrl',
      ]);
    });
  });

  describe('JWTs when no issuer is configured', () => {
    it('refuses a well-formed, signed JWT with 401', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT({ org_id: org.id, scope: 'receipts:read receipts:write' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('http://127.0.0.1:1')
        .setAudience(OIDC_AUDIENCE)
        .setSubject('user-1')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      expectError(await t.http().get('/invoice').set(bearer(token)), 401, 'INVALID_CREDENTIALS');
    });
  });
});

describe('auth: ADMIN_API_KEY', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('is idempotent: a second app on the same database keeps one live platform-admin key', async () => {
    const adminKey = `admin-${randomBytes(24).toString('hex')}`;
    const first = await createTestApp({ ADMIN_API_KEY: adminKey });
    apps.push(first);
    const second = await createTestApp({ ADMIN_API_KEY: adminKey });
    apps.push(second);

    for (const app of [first, second]) {
      await app
        .http()
        .post('/api/v1/organizations')
        .set(bearer(adminKey))
        .send({ name: 'Via ADMIN_API_KEY' })
        .expect(201);
    }
    const rows: { count: string; admins: string; live: string }[] = await second.app.get(DataSource).query(
      `SELECT count(*) AS count,
              count(*) FILTER (WHERE platform_admin AND organization_id IS NULL) AS admins,
              count(*) FILTER (WHERE revoked_at IS NULL) AS live
         FROM api_keys WHERE secret_hash = encode(sha256($1::bytea), 'hex')`,
      [adminKey],
    );
    expect(rows).toEqual([{ count: '1', admins: '1', live: '1' }]);
  });
});

describe('auth: failure limiting', () => {
  const LIMITED = { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '60' };
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 429 with Retry-After past 3 failures, and still lets a good key through', async () => {
    t = await createTestApp(LIMITED);
    const org = await createOrganization(t);
    for (let i = 0; i < 3; i++) {
      expectError(
        await t
          .http()
          .get('/invoice')
          .set(bearer(`pk_wrong_${i}`)),
        401,
        'INVALID_CREDENTIALS',
      );
    }
    const blocked = await t.http().get('/invoice').set(bearer('pk_wrong_again'));
    expectError(blocked, 429, 'TOO_MANY_AUTH_FAILURES');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A valid key is never refused for failures at its address: they may be anyone's behind a NAT.
    await t.http().get('/invoice').set(bearer(org.key)).expect(200);
    expectError(await t.http().get('/invoice').set(bearer('pk_wrong_3')), 429, 'TOO_MANY_AUTH_FAILURES');
    // Public routes stay open.
    await t.http().get('/health').expect(200);
  });

  it('does not count successful requests as failures', async () => {
    t = await createTestApp(LIMITED);
    const org = await createOrganization(t);
    for (let i = 0; i < 2; i++)
      await t
        .http()
        .get('/invoice')
        .set(bearer(`pk_wrong_${i}`))
        .expect(401);
    for (let i = 0; i < 10; i++) await t.http().get('/invoice').set(bearer(org.key)).expect(200);
    // Forbidden is not a failed authentication either.
    await t.http().post('/api/v1/organizations').set(bearer(org.key)).send({ name: 'x' }).expect(403);
    await t.http().get('/invoice').set(bearer('pk_wrong_2')).expect(401);
    expectError(await t.http().get('/invoice').set(bearer('pk_wrong_3')), 429, 'TOO_MANY_AUTH_FAILURES');
    await t.http().get('/invoice').set(bearer(org.key)).expect(200);
  });
});

describe('auth: OAuth2/OIDC access tokens', () => {
  let issuer: TestIssuer;
  let t: TestApp;
  let org: TestOrganization;
  const SCOPE = 'receipts:read receipts:write';

  beforeAll(async () => {
    issuer = await startIssuer();
    t = await createTestApp({ ...NO_LIMIT, OIDC_ISSUER: issuer.url, OIDC_AUDIENCE: OIDC_AUDIENCE });
  });
  afterAll(async () => {
    await t.close();
    await issuer.close();
  });
  beforeEach(async () => {
    org = await createOrganization(t);
  });

  it("accepts a valid token: reads and writes the organization's receipts", async () => {
    const token = await issuer.sign({ org_id: org.id, scope: SCOPE });
    await t.http().get('/invoice').set(bearer(token)).expect(200);
    const created = await t.http().post('/invoice').set(bearer(token)).send(SEED_EXAMPLE).expect(201);
    const viaKey = await t.http().get(`/invoice/${created.body.id}`).set(bearer(org.key)).expect(200);
    expect(viaKey.body.reference).toBe(SEED_EXAMPLE.reference);
    expect(issuer.jwksRequests()).toBeGreaterThan(0);
  });

  it('keeps a token inside its organization', async () => {
    const other = await createOrganization(t, 'Other');
    const theirs = await t.http().post('/invoice').set(bearer(other.key)).send(SEED_EXAMPLE).expect(201);
    const token = await issuer.sign({ org_id: org.id, scope: SCOPE });
    expectError(
      await t.http().get(`/invoice/${theirs.body.id}`).set(bearer(token)),
      404,
      'RECEIPT_NOT_FOUND',
    );
    const list = await t.http().get('/invoice').set(bearer(token)).expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('enforces the scopes of the `scope` claim', async () => {
    const reader = await issuer.sign({ org_id: org.id, scope: 'receipts:read' });
    await t.http().get('/invoice').set(bearer(reader)).expect(200);
    const res = await t.http().post('/invoice').set(bearer(reader)).send(SEED_EXAMPLE);
    expectError(res, 403, 'INSUFFICIENT_SCOPE');
    expect(res.body.details).toMatchObject({ missing: ['receipts:write'] });
  });

  it('never grants `admin` through a token, whatever it claims', async () => {
    const token = await issuer.sign({ org_id: org.id, scope: `${SCOPE} admin` });
    expectError(await t.http().get('/api/v1/api-keys').set(bearer(token)), 403, 'INSUFFICIENT_SCOPE');
    expectError(
      await createKey(t, token, { name: 'x', scopes: ['receipts:read'] }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    expect((await t.http().post('/api/v1/organizations').set(bearer(token)).send({ name: 'x' })).status).toBe(
      403,
    );
  });

  it.each<[string, () => string | Promise<string>]>([
    [
      'an expired token',
      () => issuer.sign({ org_id: org.id, scope: SCOPE }, { expiresAt: Math.floor(Date.now() / 1000) - 60 }),
    ],
    [
      'a token of another issuer',
      () => issuer.sign({ org_id: org.id, scope: SCOPE }, { issuer: 'http://127.0.0.1:1' }),
    ],
    [
      'a token for another audience',
      () => issuer.sign({ org_id: org.id, scope: SCOPE }, { audience: 'another-api' }),
    ],
    [
      'a token signed by another key under the same kid',
      async () =>
        issuer.sign({ org_id: org.id, scope: SCOPE }, { key: (await generateKeyPair('RS256')).privateKey }),
    ],
    ['a token of an unknown organization', () => issuer.sign({ org_id: randomUUID(), scope: SCOPE })],
    ['a token whose org_id is not a uuid', () => issuer.sign({ org_id: 'acme', scope: SCOPE })],
    ['a token without org_id', () => issuer.sign({ scope: SCOPE })],
    ['a token whose org_id is not a string', () => issuer.sign({ org_id: 42, scope: SCOPE })],
    ['a token without subject', () => issuer.sign({ org_id: org.id, scope: SCOPE }, { subject: null })],
    [
      'a token with alg none and no signature',
      () =>
        `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ org_id: org.id, scope: SCOPE, sub: 'user-1' })}.`,
    ],
    [
      'a token with alg none and a made-up signature',
      () =>
        `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
          iss: issuer.url,
          aud: OIDC_AUDIENCE,
          sub: 'user-1',
          org_id: org.id,
          scope: SCOPE,
          exp: Math.floor(Date.now() / 1000) + 300,
        })}.AAAA`,
    ],
    [
      'a token signed with HS256 and the public key as secret',
      async () => {
        const res = await fetch(`${issuer.url}/jwks`);
        const jwks = (await res.json()) as { keys: unknown[] };
        return new SignJWT({ org_id: org.id, scope: SCOPE })
          .setProtectedHeader({ alg: 'HS256', kid: issuer.kid })
          .setIssuer(issuer.url)
          .setAudience(OIDC_AUDIENCE)
          .setSubject('user-1')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
      },
    ],
    ['garbage shaped like a JWT', () => 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl'],
    ['a header that is not JSON', () => 'eyJub3QganNvbg.eyJzdWIiOiIxIn0.c2ln'],
  ])('refuses %s with 401', async (_what, makeToken) => {
    const res = await t
      .http()
      .get('/invoice')
      .set(bearer(await makeToken()));
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  it('accepts an org_id claim written in upper case', async () => {
    const token = await issuer.sign({ org_id: org.id.toUpperCase(), scope: SCOPE });
    const created = await t.http().post('/invoice').set(bearer(token)).send(SEED_EXAMPLE).expect(201);
    await t.http().get(`/invoice/${created.body.id}`).set(bearer(org.key)).expect(200);
  });

  it('does not take a token under the Token scheme (API keys only)', async () => {
    const token = await issuer.sign({ org_id: org.id, scope: SCOPE });
    expectError(
      await t.http().get('/invoice').set('Authorization', `Token ${token}`),
      401,
      'INVALID_CREDENTIALS',
    );
  });

  describe('when the issuer cannot be reached', () => {
    const closers: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    it('answers 401 or 503 AUTH_ISSUER_UNAVAILABLE, never 500, for an unknown kid once the JWKS is down', async () => {
      const down = await startIssuer();
      closers.push(down.close);
      const app = await createTestApp({ ...NO_LIMIT, OIDC_ISSUER: down.url, OIDC_AUDIENCE });
      closers.push(app.close);
      const own = await createOrganization(app);
      await app
        .http()
        .get('/invoice')
        .set(bearer(await down.sign({ org_id: own.id, scope: SCOPE })))
        .expect(200);

      await down.close();
      const token = await down.sign({ org_id: own.id, scope: SCOPE }, { kid: 'rotated-key' });
      const res = await app.http().get('/invoice').set(bearer(token));
      expect([401, 503]).toContain(res.status);
      expectError(res, res.status, res.status === 503 ? 'AUTH_ISSUER_UNAVAILABLE' : 'INVALID_CREDENTIALS');
    });

    it('answers 503 AUTH_ISSUER_UNAVAILABLE when the issuer was never reachable', async () => {
      const url = `http://127.0.0.1:${await unusedPort()}`;
      const app = await createTestApp({ ...NO_LIMIT, OIDC_ISSUER: url, OIDC_AUDIENCE });
      closers.push(app.close);
      const own = await createOrganization(app);
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT({ org_id: own.id, scope: SCOPE })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(url)
        .setAudience(OIDC_AUDIENCE)
        .setSubject('user-1')
        .setExpirationTime('5m')
        .sign(privateKey);
      expectError(await app.http().get('/invoice').set(bearer(token)), 503, 'AUTH_ISSUER_UNAVAILABLE');
      // API keys do not depend on the issuer.
      await app.http().get('/invoice').set(bearer(own.key)).expect(200);
    });
  });
});
